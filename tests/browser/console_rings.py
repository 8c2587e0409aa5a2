# SPDX-License-Identifier: BSD-2-Clause
"""The rings page (console_rings.sh).

usage: console_rings.py API_PORT CERT SHOTS TMP ROOT lab|big
lab: a supervisor sees the graph of GET /api/v1/rings (a node per lead and per
shared item, an edge per lead sharing an item), nodes of each kind, a hostile
IMEI as visible escapes, an item's details on a click, a lead's page on a click,
the tier and time filters narrowing the graph, the page in English.
big: about 2,000 nodes; prints the time to draw and to answer a click, a pan
and a zoom (figures, not pass/fail).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, fail, passwords  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

API, CERT, SHOTS, T, ROOT, MODE = sys.argv[1:7]
# before the login; the home page's module, another branch's
ALLOW = ("/api/v1/me", "/js/pages/queue.js")
PW = passwords(T)



def expected(doc):
    """Nodes and edges the page must draw for a rings document."""
    leads, items, edges = set(), 0, 0
    for r in doc["rings"]:
        leads |= {x["id"] for x in r["leads"]}
        items += len(r["shared"])
        edges += sum(len(s["lead_ids"]) for s in r["shared"])
    return len(leads) + items, edges


def graph(b, since_stale=True):
    """The drawn graph (a fresh one after a filter): nodes, edges, draw ms."""
    sel = "#rings-graph:not([data-stale])[data-nodes]" if since_stale else \
        "#rings-graph[data-nodes]"
    e = b.css(sel, timeout=60)
    return int(e.get_attribute("data-nodes")), int(e.get_attribute("data-edges")), \
        int(e.get_attribute("data-draw-ms"))


def stale(b):
    b.d.execute_script("document.getElementById('rings-graph').dataset.stale = '1'")


def kinds(b):
    return b.d.execute_script(
        "const c = {}; document.getElementById('rings-graph').gwCy.nodes().forEach((n) =>"
        " { c[n.data('kind')] = (c[n.data('kind')] || 0) + 1; }); return c;")


def node_where(b, js_pred):
    """The id of the first node for which js_pred(node) holds."""
    return b.d.execute_script(
        "const f = new Function('n', 'return ' + arguments[0]);"
        "const n = document.getElementById('rings-graph').gwCy.nodes().filter(f)[0];"
        " return n ? n.id() : null;", js_pred)


def click_node(b, nid):
    """A real mouse click where cytoscape drew the node."""
    box = b.css("#rings-graph")
    pos = b.d.execute_script(
        "const cy = document.getElementById('rings-graph').gwCy, n = cy.$id(arguments[0]);"
        " cy.center(n); return n.renderedPosition();", nid)
    w, h = box.size["width"], box.size["height"]
    ActionChains(b.d).move_to_element_with_offset(
        box, int(pos["x"] - w / 2), int(pos["y"] - h / 2)).click().perform()


def lab(b):
    b.login(*PW["supervisor"])
    b.go("#/rings")
    b.ready("rings")
    doc = b.api_get("/rings")
    want = expected(doc)
    nodes, edges, ms = graph(b, False)
    check((nodes, edges) == want, "the graph has the API's %d nodes and %d edges (got %d, %d)"
          % (want + (nodes, edges)))
    k = kinds(b)
    check(k.get("lead") == 5, "five lead nodes: the lab's GoIP and four more (%r)" % k)
    for kind in ("softswitch", "sms_server", "sim_bank", "imsi", "peer"):
        check(k.get(kind, 0) >= 1, "a %s node (%r)" % (kind, k))
    check(k.get("imei", 0) == 2, "two IMEI nodes (%r)" % k)
    legend = b.js_text("#rings-legend")
    check("境外软交换" in legend and "短信服务器" in legend and "SIM 卡池服务器" in legend,
          "the legend names the kinds in Chinese")
    check(b.js_text('#rings-legend li[data-kind="lead"] .rings-count') == "(5)",
          "the legend counts five leads")
    # a hostile IMEI: visible escapes on the canvas label and in the panel
    evil = node_where(b, "n.data('kind') === 'imei' && n.data('label').includes('EVIL')")
    check(evil is not None, "the hostile IMEI has a node")
    label = b.d.execute_script(
        "return document.getElementById('rings-graph').gwCy.$id(arguments[0]).data('label')",
        evil)
    check("\\u202e" in label and "\\x1b" in label and "\u202e" not in label and
          "\x1b" not in label, "its label shows the escapes, not the controls: %r" % label)
    b.shot("rings")
    click_node(b, evil)
    b.wait(lambda d: b.js_text("#rings-item-value") is not None, "the item's panel")
    val = b.js_text("#rings-item-value")
    check("\\u202e" in val and "<script>" in val and "\u202e" not in val,
          "the panel shows the IMEI as inert escaped text: %r" % val)
    check(len(b.all("#rings-item-leads li")) == 2, "and the two leads sharing it")
    check(b.all("script[src*='x</script']") == [] and
          b.d.execute_script("return document.querySelectorAll('#rings-panel script').length")
          == 0, "no script element came from the wire")
    b.shot("rings-item")
    sb = node_where(b, "n.data('kind') === 'sim_bank'")
    click_node(b, sb)
    b.wait(lambda d: b.d.execute_script(
        "return document.getElementById('rings-panel').dataset.kind") == "sim_bank",
        "the SIM-bank server's panel")
    check("SIM 卡池服务器" in b.js_text("#rings-panel") and "198.51.100.77" in
          b.js_text("#rings-item-value"), "a click on the SIM-bank server shows it")
    # a lead node opens the lead's page (that page may be another branch's)
    lead = node_where(b, "n.data('kind') === 'lead'")
    click_node(b, lead)
    b.wait(lambda d: d.current_url.endswith("#/lead/" + lead[1:]), "#/lead/" + lead[1:])
    check(True, "a click on lead %s opens #/lead/%s" % (lead[1:], lead[1:]))
    # the tier filter narrows the graph to the rings with an urgent lead
    b.go("#/rings")
    b.ready("rings")
    graph(b, False)
    stale(b)
    Select(b.css("#rings-tier")).select_by_value("urgent")
    b.wait(lambda d: "tier=urgent" in d.current_url, "tier=urgent in the URL")
    nodes_u, edges_u, _ = graph(b)
    want_u = expected(b.api_get("/rings?tier=urgent"))
    check((nodes_u, edges_u) == want_u and nodes_u < nodes,
          "tier urgent: %d nodes, %d edges, as the API says, fewer than %d"
          % (nodes_u, edges_u, nodes))
    check(kinds(b).get("lead") == 3, "the urgent ring's three leads")
    stale(b)
    Select(b.css("#rings-since")).select_by_value("1d")
    b.wait(lambda d: "since=" in d.current_url, "since= in the URL")
    n1, e1, _ = graph(b)
    since = int(b.d.current_url.split("since=")[1].split("&")[0])
    check((n1, e1) == expected(b.api_get("/rings?tier=urgent&since=%d" % since)),
          "the last 24 hours: %d nodes, as the API says" % n1)
    b.go("#/rings?tier=urgent&since=%d" % (int(time.time()) + 86400))
    b.css("#rings-empty")
    check(True, "nothing seen since tomorrow: the empty graph says so")
    # English
    b.d.execute_script("localStorage.setItem('gw.lang', 'en')")
    b.go("#/rings")
    b.d.refresh()
    b.ready("rings")
    graph(b, False)
    legend = b.js_text("#rings-legend")
    check("foreign softswitch" in legend and "SIM-bank server" in legend,
          "the legend in English")
    b.shot("rings-en")
    b.d.execute_script("localStorage.setItem('gw.lang', 'zh-CN')")
    b.no_errors(allow=ALLOW + ("/js/pages/lead.js", "/api/v1/leads/"))


def big(b):
    b.login(*PW["supervisor"])
    t0 = time.monotonic()
    b.go("#/rings")
    b.ready("rings", timeout=120)
    nodes, edges, ms = graph(b, False)
    wall = time.monotonic() - t0
    check(nodes >= 2000, "%d nodes and %d edges drawn" % (nodes, edges))
    print("figure: rings page with %d nodes, %d edges: drawn %d ms after the data came"
          " (%.2f s from the click on the link, API and script load included)"
          % (nodes, edges, ms, wall))
    print("figure: of which graph and layout, cytoscape's set-up, first frame (ms): %s"
          % b.css("#rings-graph").get_attribute("data-phases"))
    # a click on an item: mousedown to the panel's change
    item = node_where(b, "n.data('kind') === 'sms_server'")
    b.d.execute_script(
        "window.gwT = {}; const box = document.getElementById('rings-graph');"
        "box.addEventListener('mousedown', () => { window.gwT.down = performance.now(); },"
        " {capture: true, once: true});"
        "new MutationObserver((m, o) => { window.gwT.shown = performance.now();"
        " o.disconnect(); }).observe(document.getElementById('rings-panel'),"
        " {childList: true, subtree: true});")
    click_node(b, item)
    b.wait(lambda d: d.execute_script("return window.gwT.shown !== undefined"),
           "the item's panel")
    click_ms = b.d.execute_script("return window.gwT.shown - window.gwT.down")
    check(b.js_text("#rings-item-value") is not None, "a click on an item shows it")
    pan = b.d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const cy = document.getElementById('rings-graph').gwCy, r = [];"
        "let i = 0; const step = () => { const t = performance.now();"
        " cy.one('render', () => requestAnimationFrame(() => { r.push(performance.now() - t);"
        " if (++i < 10) step(); else done(r); }));"
        " if (i % 2) cy.panBy({x: 120, y: 60}); else cy.zoom({level: cy.zoom() * 1.2,"
        " renderedPosition: {x: 300, y: 200}}); }; step();")
    pan.sort()
    print("figure: a click on a node to its panel %.0f ms; pan/zoom to the next frame:"
          " median %.0f ms, worst %.0f ms (10 steps); load average %.1f on %d cores"
          % (click_ms, pan[len(pan) // 2], pan[-1], os.getloadavg()[0], os.cpu_count()))
    b.shot("rings-2000")
    b.no_errors(allow=ALLOW)


b = Console(API, CERT, SHOTS)
try:
    if MODE == "lab":
        lab(b)
    elif MODE == "big":
        big(b)
    else:
        fail("mode: lab or big")
finally:
    b.quit()
