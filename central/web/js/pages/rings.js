// SPDX-License-Identifier: BSD-2-Clause
// The rings page (#/rings?since=EPOCH&tier=T): leads sharing foreign peers,
// IMSIs or IMEIs (GET /api/v1/rings) as a cytoscape graph, a node per lead and
// per shared item, an edge from each item to each lead sharing it. A lead opens
// its page; another node shows what it is and who shares it in the side panel.
// Each ring is drawn as its own cluster (leads on a circle around what they
// share), placed row by row: O(n), so 2,000 nodes draw at once; a small graph
// is then spread by cose from there.
import {
	api, clear, el, errorPage, escapeWire, loadScript, qs, t, tierBadge, wire,
} from '../core.js';

// Node kinds: a lead, a peer by its role, an IMSI, an IMEI.
const KINDS = ['lead', 'softswitch', 'sms_server', 'sim_bank', 'peer', 'imsi', 'imei'];
const SHAPE = { lead: 'ellipse', softswitch: 'diamond', sms_server: 'triangle',
	sim_bank: 'hexagon', peer: 'round-rectangle', imsi: 'rectangle', imei: 'star' };
const COLOUR = { lead: '#0d6efd', softswitch: '#dc3545', sms_server: '#fd7e14',
	sim_bank: '#6f42c1', peer: '#6c757d', imsi: '#198754', imei: '#20c997' };
const TIER_COLOUR = { urgent: '#b02a37', high: '#e0a800', general: '#6c757d' };
const SINCE = { all: 0, '1d': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
const LABEL_MAX = 40;
const SMALL = 200;	// nodes a force-directed layout places at once


function itemKind(s) {
	if (s.kind === 'peer')
		return KINDS.includes(s.role) ? s.role : 'peer';
	return s.kind === 'imsi' || s.kind === 'imei' ? s.kind : 'peer';
}

function short(s) {
	const v = escapeWire(s);
	return v.length > LABEL_MAX ? v.slice(0, LABEL_MAX - 1) + '…' : v;
}

// The graph's elements and what the panel shows of each node.
function toGraph(rings) {
	const nodes = [], edges = [], info = new Map(), counts = {};
	for (const k of KINDS)
		counts[k] = 0;
	for (const r of rings) {
		const leads = new Map(r.leads.map((l) => [Number(l.id), l]));
		for (const [id, l] of leads) {
			const nid = `l${id}`;
			if (info.has(nid))
				continue;
			info.set(nid, { kind: 'lead', lead: l, ring: r.ring });
			counts.lead++;
			nodes.push({ group: 'nodes', data: { id: nid, kind: 'lead', ring: r.ring,
				tier: TIER_COLOUR[l.tier] ? l.tier : 'general', label: `#${id}` } });
		}
		for (const s of r.shared || []) {
			const nid = `i${info.size}`, kind = itemKind(s);
			const ids = (s.lead_ids || []).map(Number).filter((x) => leads.has(x));
			info.set(nid, { kind, item: s, ring: r.ring, leads: ids.map((x) => leads.get(x)) });
			counts[kind]++;
			nodes.push({ group: 'nodes', data: { id: nid, kind, ring: r.ring,
				label: short(s.value) } });
			for (const x of ids)
				edges.push({ group: 'edges', data: { id: `e${edges.length}`, source: nid,
					target: `l${x}` } });
		}
	}
	return { nodes, edges, info, counts };
}

// Positions: each ring a cluster (leads on a circle, its items on an inner
// one), clusters in rows ordered by size, as wide as the container allows.
function layoutRings(nodes, width) {
	const byRing = new Map();
	for (const n of nodes) {
		const r = n.data.ring;
		if (!byRing.has(r))
			byRing.set(r, { leads: [], items: [] });
		byRing.get(r)[n.data.kind === 'lead' ? 'leads' : 'items'].push(n);
	}
	const rings = [...byRing.values()].sort((a, b) =>
		(b.leads.length + b.items.length) - (a.leads.length + a.items.length));
	let x = 0, y = 0, rowH = 0;
	const rowW = Math.max(width, 800) * 1.5;
	for (const g of rings) {
		const R = Math.max(70, (g.leads.length * 34) / (2 * Math.PI));
		const Ri = g.items.length > 1 ? Math.max(30, Math.min(R * 0.55,
			(g.items.length * 30) / (2 * Math.PI))) : 0;
		const cell = 2 * R + 90;
		if (x > 0 && x + cell > rowW) {
			x = 0;
			y += rowH;
			rowH = 0;
		}
		const cx = x + cell / 2, cy = y + cell / 2;
		g.leads.forEach((n, i) => {
			const a = (2 * Math.PI * i) / g.leads.length;
			n.position = { x: cx + R * Math.cos(a), y: cy + R * Math.sin(a) };
		});
		g.items.forEach((n, i) => {
			const a = (2 * Math.PI * i) / g.items.length + 0.3;
			n.position = { x: cx + Ri * Math.cos(a), y: cy + Ri * Math.sin(a) };
		});
		x += cell;
		rowH = Math.max(rowH, cell);
	}
}

function style() {
	const s = [
		{ selector: 'node', style: { label: 'data(label)', 'font-size': 10,
			'text-valign': 'bottom', 'text-margin-y': 3, width: 18, height: 18,
			'min-zoomed-font-size': 7, 'font-family': 'monospace' } },
		{ selector: 'edge', style: { width: 1, 'line-color': '#adb5bd',
			'curve-style': 'haystack' } },
		{ selector: ':selected', style: { 'border-width': 3, 'border-color': '#000' } },
	];
	for (const k of KINDS)
		s.push({ selector: `node[kind="${k}"]`, style: { shape: SHAPE[k],
			'background-color': COLOUR[k] } });
	for (const [tier, c] of Object.entries(TIER_COLOUR))
		s.push({ selector: `node[kind="lead"][tier="${tier}"]`, style: {
			'border-width': 3, 'border-color': c, width: 22, height: 22 } });
	return s;
}

function legend(counts) {
	return el('ul', { class: 'list-unstyled small mb-2 rings-legend', id: 'rings-legend' },
		KINDS.map((k) => el('li', { class: 'd-inline-block me-3', dataset: { kind: k } },
			el('span', { class: `rings-swatch rings-${k}` }), ' ', t(`rings.kind.${k}`),
			' ', el('span', { class: 'rings-count' }, `(${counts[k]})`))));
}

function filters(route) {
	const tier = route.query.get('tier') || '';
	const since = route.query.get('since') || '';
	const go = (o) => {
		location.hash = '#/rings' + qs({ since: o.since, tier: o.tier });
	};
	const tierSel = el('select', { class: 'form-select form-select-sm', id: 'rings-tier',
		'aria-label': t('rings.tier') },
	el('option', { value: '' }, t('rings.any_tier')),
	['urgent', 'high', 'general'].map((x) => el('option', { value: x,
		selected: x === tier }, t(`tier.${x}`))));
	// since is an epoch in the URL; the menu offers periods back from now
	const cur = Object.entries(SINCE).find(([, s]) => s && since &&
		Math.abs(Date.now() / 1000 - s - Number(since)) < 3600);
	const sinceSel = el('select', { class: 'form-select form-select-sm', id: 'rings-since',
		'aria-label': t('rings.since') },
	Object.keys(SINCE).map((k) => el('option', { value: k,
		selected: cur ? cur[0] === k : k === 'all' }, t(`rings.since.${k}`))));
	if (since && !cur)
		sinceSel.prepend(el('option', { value: 'url', selected: true }, t('rings.since.custom')));
	const apply = () => {
		const k = sinceSel.value;
		go({ tier: tierSel.value, since: k === 'url' ? since :
			SINCE[k] ? Math.floor(Date.now() / 1000) - SINCE[k] : '' });
	};
	tierSel.addEventListener('change', apply);
	sinceSel.addEventListener('change', apply);
	return el('form', { class: 'row g-2 mb-2 align-items-center', id: 'rings-filters',
		onsubmit: (e) => e.preventDefault() },
	el('div', { class: 'col-auto' }, el('label', { class: 'col-form-label-sm',
		for: 'rings-tier' }, t('rings.tier'))),
	el('div', { class: 'col-auto' }, tierSel),
	el('div', { class: 'col-auto' }, el('label', { class: 'col-form-label-sm',
		for: 'rings-since' }, t('rings.since'))),
	el('div', { class: 'col-auto' }, sinceSel));
}

function leadLink(l) {
	const id = Number(l.id);
	return el('li', {}, el('a', { href: `#/lead/${id}`, class: 'rings-lead-link' }, `#${id}`),
		' ', tierBadge(l.tier), ' ', wire(l.ip), l.account ? ' ' : '',
		l.account ? wire(l.account) : '');
}

// The side panel for a node that is not a lead.
function showItem(panel, x) {
	clear(panel).append(el('h6', {}, t(`rings.kind.${x.kind}`)),
		el('dl', { class: 'small mb-2' },
			el('dt', {}, t('rings.value')), el('dd', { id: 'rings-item-value' },
				wire(x.item.value)),
			el('dt', {}, t('rings.ring')), el('dd', {}, String(Number(x.ring))),
			el('dt', {}, t('rings.shared_by', { n: x.leads.length }))),
		el('ul', { class: 'small ps-3', id: 'rings-item-leads' }, x.leads.map(leadLink)));
	panel.dataset.kind = x.kind;
}

export default async function rings(main, route) {
	const q = { since: route.query.get('since'), tier: route.query.get('tier') };
	let data;
	try {
		[data] = await Promise.all([api('GET', '/rings' + qs(q)),
			loadScript('/vendor/cytoscape/cytoscape.min.js', 'cytoscape')]);
	} catch (e) {
		return errorPage(main, e);
	}
	const t0 = performance.now();
	const g = toGraph(data.rings || []);
	const box = el('div', { class: 'graph rings-graph', id: 'rings-graph' });
	const panel = el('aside', { class: 'card card-body rings-panel', id: 'rings-panel',
		'aria-live': 'polite' }, el('p', { class: 'text-muted small mb-0' }, t('rings.hint')));
	clear(main).append(el('h4', {}, t('rings.title')), filters(route),
		el('p', { class: 'small', id: 'rings-summary' }, t('rings.summary', {
			rings: (data.rings || []).length, nodes: g.nodes.length, edges: g.edges.length })),
		legend(g.counts),
		el('div', { class: 'row' }, el('div', { class: 'col-lg-9' }, box),
			el('div', { class: 'col-lg-3' }, panel)));
	if (g.nodes.length === 0) {
		box.append(el('p', { class: 'text-muted p-3', id: 'rings-empty' }, t('rings.empty')));
		Object.assign(box.dataset, { nodes: '0', edges: '0', drawMs: '0' });
		return null;
	}
	layoutRings(g.nodes, box.clientWidth);
	const t1 = performance.now();
	const big = g.nodes.length > 500;
	const cy = window.cytoscape({
		container: box, elements: [...g.nodes, ...g.edges], style: style(),
		// small graphs: cose from the clusters' positions spreads the labels;
		// big ones keep the clusters (cose is O(n^2) per iteration)
		layout: g.nodes.length > SMALL ? { name: 'preset', fit: true, padding: 20 } :
			{ name: 'cose', randomize: false, animate: false, fit: true, padding: 20,
				numIter: 1000, idealEdgeLength: () => 90, nodeRepulsion: () => 40000,
				componentSpacing: 60, nodeDimensionsIncludeLabels: true },
		minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.3,
		// big graphs: a bitmap while panning and zooming, no edges meanwhile
		textureOnViewport: big, hideEdgesOnViewport: big, pixelRatio: big ? 1 : 'auto',
	});
	const t2 = performance.now();
	cy.on('tap', 'node', (ev) => {
		const id = ev.target.id(), x = g.info.get(id);
		if (!x)
			return;
		if (x.kind === 'lead')
			location.hash = `#/lead/${Number(x.lead.id)}`;
		else
			showItem(panel, x);
	});
	box.gwCy = cy;		// for the browser test's clicks and figures
	await new Promise((resolve) => {
		cy.one('render', resolve);
		setTimeout(resolve, 2000);
	});
	await new Promise((resolve) => requestAnimationFrame(() => resolve()));
	box.dataset.nodes = String(g.nodes.length);
	box.dataset.edges = String(g.edges.length);
	box.dataset.drawMs = String(Math.round(performance.now() - t0));
	box.dataset.phases = [t1 - t0, t2 - t1, performance.now() - t2].map(Math.round).join(',');
	return () => cy.destroy();
}
