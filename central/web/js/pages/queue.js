// SPDX-License-Identifier: BSD-2-Clause
// The lead queue, the home page of the roles that work leads:
// #/queue?tier=&status=&site=&assignee=&mine=1&overdue=1&q=
//
// Order: overdue leads first (red), then the rest; within each part the API's
// queue order, tier then deadline (time left) then id, which its index serves
// a page at a time at any depth. Two keyset-paged lists, read in turn by the
// "more" button: GET /leads?overdue=1&... until it has no more, then
// GET /leads?... skipping the leads the first list gave. No server-side
// ordering option was needed, and the first page costs two index ranges.
// Live: each lead change of the stream is looked up with the page's filters
// (GET /leads?id=N&...) and its row inserted, replaced or removed in place. A
// new lead whose event alone shows that the filters take it goes in at once
// from the event (tier, status, deadline), its line following: under a heavy
// ingest the lookup can wait seconds on the database, the event does not.
import {
	api, clear, countdown, el, errorPage, fmtTime, nowSecs, onLeadChange, qs, session, t,
	tierBadge, wire,
} from '../core.js';

const STATUSES = ['new', 'acknowledged', 'confirmed', 'false_positive', 'dismantled'];
const TIERS = ['urgent', 'high', 'general'];
const RANK = { urgent: 3, high: 2, general: 1 };
const PAGE = 100;
const FILTERS = ['tier', 'status', 'site', 'assignee', 'mine', 'overdue', 'q'];

const epoch = (s) => (s ? Math.floor(Date.parse(s) / 1000) : 0);

// Where a lead sorts: overdue first, then tier, deadline, id.
function key(r) {
	return [r.overdue ? 0 : 1, -(RANK[r.tier] || 0), epoch(r.deadline), Number(r.id)];
}

function before(a, b) {
	const x = key(a), y = key(b);
	for (let i = 0; i < x.length; i++)
		if (x[i] !== y[i])
			return x[i] < y[i];
	return false;
}

// The line as the office names it: address, VLAN, PPPoE session, account.
export function lineText(r) {
	return [r.ip, r.vlan !== null && r.vlan !== undefined ? `vlan ${r.vlan}` : null,
		r.pppoe_session !== null && r.pppoe_session !== undefined ?
			`pppoe ${r.pppoe_session}` : null].filter((x) => x !== null).join(' ');
}

function row(r) {
	const id = Number(r.id);
	const tr = el('tr', { id: `lead-row-${id}`, class: r.overdue ? 'overdue' : null,
		dataset: { id: String(id), tier: String(r.tier) } },
	el('td', {}, tierBadge(r.tier)),
	el('td', {}, el('a', { href: `#/lead/${id}`, class: 'lead-link' }, `#${id}`)),
	el('td', {}, r.status === 'new' ? countdown(epoch(r.deadline)) : el('span',
		{ class: 'text-muted' }, '-'),
	el('div', { class: 'small text-muted' }, fmtTime(epoch(r.deadline)))),
	el('td', {}, t(`status.${r.status}`)),
	el('td', {}, wire(r.verdict)),
	el('td', {}, wire(r.site)),
	el('td', {}, wire(lineText(r)), el('div', { class: 'small' }, wire(r.account))),
	el('td', { class: 'device' }, wire(r.device_id)),
	el('td', {}, wire(r.assignee)));
	return tr;
}

export default async function queue(main, route) {
	const f = {};
	for (const k of FILTERS)
		f[k] = route.query.get(k) || '';
	const base = {
		tier: f.tier, status: f.status, site: f.site, q: f.q,
		assignee: f.mine === '1' ? '' : f.assignee, mine: f.mine === '1' ? 1 : '',
	};
	// the two lists: overdue (unless the filter asks for overdue only, then one)
	const lists = f.overdue === '1' ?
		[{ query: { ...base, overdue: 1 }, after: null, more: true }] :
		[{ query: { ...base, overdue: 1 }, after: null, more: true },
			{ query: base, after: null, more: true }];
	const seen = new Set();
	const rows = [];	// {r, tr} in display order
	const tbody = el('tbody', { id: 'queue-rows' });
	const moreBtn = el('button', { class: 'btn btn-outline-secondary btn-sm', type: 'button',
		id: 'queue-more', onclick: () => more().catch((e) => errorPage(main, e)) },
	t('queue.more'));
	const count = el('span', { class: 'text-muted small ms-2', id: 'queue-count' });
	const empty = el('tr', { id: 'queue-empty' }, el('td', { colspan: '9',
		class: 'text-muted' }, t('queue.empty')));

	const setHash = (changes) => {
		const q = { ...f, ...changes };
		location.hash = '#/queue' + qs(q);
	};
	const hasMore = () => lists.some((l) => l.more);
	const redrawFoot = () => {
		moreBtn.hidden = !hasMore();
		count.textContent = t('queue.count', { n: rows.length });
		empty.hidden = rows.length > 0;
	};

	// One page more, from the first list that has more; returns the rows added.
	async function more() {
		const l = lists.find((x) => x.more);
		if (!l)
			return 0;
		const d = await api('GET', '/leads' + qs({ ...l.query, limit: PAGE, after: l.after }));
		l.after = d.next;
		l.more = !!d.has_more;
		let n = 0;
		for (const r of d.leads) {
			if (seen.has(Number(r.id)))
				continue;
			seen.add(Number(r.id));
			const tr = row(r);
			rows.push({ r, tr });
			tbody.append(tr);
			n++;
		}
		redrawFoot();
		// the overdue list ended on a short page: fill this page from the rest
		if (l.more === false && n < PAGE && hasMore() && l === lists[0] && lists.length > 1)
			return n + await more();
		return n;
	}

	// Puts lead ID's row where R sorts (R null: takes it out). Past the loaded
	// rows it waits for "more". The row keeps when the lead's first change came
	// and when its first row was in place (the browser test's figure).
	const first = new Map();
	function place(id, r, eventAt, pending) {
		const i = rows.findIndex((x) => Number(x.r.id) === id);
		if (i >= 0) {
			rows[i].tr.remove();
			rows.splice(i, 1);
		}
		let j = r ? rows.findIndex((x) => before(r, x.r)) : -1;
		if (!r || (j < 0 && hasMore()))
			return redrawFoot();
		if (j < 0)
			j = rows.length;
		if (!first.has(id))
			first.set(id, { eventAt, shownAt: Date.now() });
		seen.add(id);
		const tr = row(r);
		tr.classList.add('fresh');
		if (pending)
			tr.classList.add('pending');
		tr.dataset.eventAt = String(first.get(id).eventAt);
		tr.dataset.shownAt = String(first.get(id).shownAt);
		if (j < rows.length)
			rows[j].tr.before(tr);
		else
			tbody.append(tr);
		rows.splice(j, 0, { r, tr });
		return redrawFoot();
	}

	// A new lead the filters take on what the event says (tier, status, deadline):
	// its row goes in at once, and the line's details follow from the API.
	function fromEvent(c) {
		if (c.kind !== 'raised' || f.site || f.assignee || f.mine === '1' || f.q)
			return null;
		const overdue = c.status === 'new' && Number(c.deadline) < nowSecs();
		if ((f.tier && f.tier !== c.tier) || (f.overdue === '1' && !overdue) ||
		    (f.status && !f.status.split(',').includes(c.status)))
			return null;
		return { id: Number(c.id), tier: String(c.tier), status: String(c.status),
			deadline: new Date(Number(c.deadline) * 1000).toISOString(), overdue,
			verdict: null, site: null, ip: '', vlan: null, pppoe_session: null,
			account: null, device_id: null, assignee: null };
	}

	// A lead changed: look it up through the page's filters and put it in place.
	// One lookup per lead at a time: changes that come meanwhile (a burst of
	// merged detections) cost one more lookup, not one each.
	const busy = new Map();
	async function changed(c) {
		const id = Number(c.id);
		const eventAt = Date.now();
		const early = rows.some((x) => Number(x.r.id) === id) ? null : fromEvent(c);
		if (early)
			place(id, early, eventAt, true);
		if (busy.has(id)) {
			busy.set(id, 'again');
			return;
		}
		try {
			do {
				busy.set(id, 'once');
				const d = await api('GET', '/leads' + qs({ ...base,
					overdue: f.overdue === '1' ? 1 : '', id, limit: 1 }));
				place(id, d.leads[0] || null, eventAt, false);
			} while (busy.get(id) === 'again');
		} catch (e) {
			// the next change looks again
		} finally {
			busy.delete(id);
		}
	}

	const sel = (name, opts, label) => el('select', { class: 'form-select form-select-sm',
		id: `queue-f-${name}`, 'aria-label': label,
		onchange: (ev) => setHash({ [name]: ev.target.value }) },
	el('option', { value: '' }, label),
	opts.map(([v, text]) => el('option', { value: v, selected: f[name] === v }, text)));
	const input = (name, label) => el('input', { class: 'form-control form-control-sm',
		id: `queue-f-${name}`, placeholder: label, 'aria-label': label, value: f[name],
		maxlength: 128, onchange: (ev) => setHash({ [name]: ev.target.value.trim() }) });
	const check = (name, label) => el('div', { class: 'form-check form-check-inline' },
		el('input', { class: 'form-check-input', type: 'checkbox', id: `queue-f-${name}`,
			checked: f[name] === '1',
			onchange: (ev) => setHash({ [name]: ev.target.checked ? '1' : '' }) }),
		el('label', { class: 'form-check-label', for: `queue-f-${name}` }, label));
	const filters = el('form', { class: 'row g-2 align-items-center mb-2', id: 'queue-filters',
		onsubmit: (ev) => ev.preventDefault() },
	el('div', { class: 'col-auto' }, sel('tier', TIERS.map((x) => [x, t(`tier.${x}`)]),
		t('queue.f_tier'))),
	el('div', { class: 'col-auto' }, sel('status', [['new,acknowledged', t('queue.open')],
		...STATUSES.map((x) => [x, t(`status.${x}`)])], t('queue.f_status'))),
	el('div', { class: 'col-auto' }, input('site', t('queue.f_site'))),
	el('div', { class: 'col-auto' }, input('assignee', t('queue.f_assignee'))),
	el('div', { class: 'col-auto' }, input('q', t('queue.f_q'))),
	el('div', { class: 'col-auto' }, check('mine', t('queue.f_mine')),
		check('overdue', t('queue.f_overdue'))),
	el('div', { class: 'col-auto' }, el('a', { href: '#/queue', class: 'btn btn-sm btn-link',
		id: 'queue-f-clear' }, t('queue.f_clear'))));
	if (f.mine === '1')
		filters.querySelector('#queue-f-assignee').disabled = true;

	const head = el('thead', {}, el('tr', {}, ['tier', 'id', 'left', 'status', 'verdict',
		'site', 'line', 'device', 'assignee'].map((c) => el('th', { scope: 'col' },
		t(`queue.col_${c}`)))));
	tbody.append(empty);
	const t0 = performance.now();
	await more();
	clear(main).append(
		el('h2', { class: 'h4' }, t('queue.title'), count),
		filters,
		el('div', { class: 'table-responsive' }, el('table', {
			class: 'table table-sm table-hover align-middle queue', id: 'queue-table',
		}, head, tbody)),
		moreBtn);
	// what the browser test reads: the fetch and draw, and when it was drawn
	const page = document.getElementById('main');	// the tests read it there
	page.dataset.renderMs = String(Math.round(performance.now() - t0));
	page.dataset.drawnAt = String(performance.now());
	page.dataset.user = session.user || '';
	const stop = onLeadChange((c) => { changed(c); });
	return stop;
}
