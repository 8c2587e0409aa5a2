// SPDX-License-Identifier: BSD-2-Clause
// The SIP call ladder of a lead's sample calls (GET /api/v1/leads/ID `calls`,
// docs/api.md): the `call` records an appliance sends for a line that holds a
// verdict. A call record keeps times, not every message, so the ladder is
// rebuilt from them: INVITE at invite_ts; the provisional at setup_time
// (when it came before the final answer); the final answer (status) at
// answer_ts, or at end_ts for a failure; CANCEL for a cancelled call; ACK
// for an answered one; BYE from the side that hung up at end_ts and its
// answer (bye_status). Drawn with DOM and SVG only; every wire string through
// wire(); styles are classes in css/console.css.
import { el, escapeWire, fmtTime, t, wire } from './core.js';

const SVG = 'http://www.w3.org/2000/svg';
const ms = (s) => (s ? Date.parse(s) : NaN);

function svg(tag, attrs, ...kids) {
	const e = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs || {}))
		e.setAttribute(k, String(v));
	for (const c of kids)
		e.append(c instanceof Node ? c : document.createTextNode(String(c)));
	return e;
}

// Status codes the ladder names (protocol text, as on the wire).
const REASON = {
	200: 'OK', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
	480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated',
	503: 'Service Unavailable', 600: 'Busy Everywhere', 603: 'Decline',
};
const status = (n) => `${Number(n)}${REASON[n] ? ' ' + REASON[n] : ''}`;

// The messages of call c in time order: {at (ms), from ('a' caller, 'b' callee), label, kind}.
export function ladderMessages(c) {
	const inv = ms(c.invite_ts), end = ms(c.end_ts), ans = ms(c.answer_ts);
	const out = [];
	const add = (at, from, label, kind) => out.push({ at: Number.isFinite(at) ? at : inv,
		from, label, kind });
	add(inv, 'a', 'INVITE', 'request');
	const prov = c.setup_time === null || c.setup_time === undefined ? NaN :
		inv + Math.round(Number(c.setup_time) * 1000);
	const final = Number.isFinite(ans) ? ans : end;
	if (Number.isFinite(prov) && (c.status === null || prov < final))
		add(prov, 'b', '18x', 'provisional');
	if (c.state === 'cancelled')
		add(end, 'a', 'CANCEL', 'request');
	if (c.status !== null && c.status !== undefined)
		add(final, 'b', status(c.status), Number(c.status) < 300 ? 'answer' : 'failure');
	if (c.state === 'answered')
		add(ans, 'a', 'ACK', 'request');
	if (c.end === 'bye') {
		const by = c.hangup === 'callee' ? 'b' : 'a';
		add(end, by, 'BYE', 'request');
		if (c.bye_status !== null && c.bye_status !== undefined)
			add(end, by === 'a' ? 'b' : 'a', status(c.bye_status),
				Number(c.bye_status) < 300 ? 'answer' : 'failure');
	}
	// stable: same-time messages keep the order above
	return out.map((m, i) => [m, i]).sort((x, y) => x[0].at - y[0].at || x[1] - y[1])
		.map(([m]) => m);
}

// "+1.234 s" from the INVITE.
function rel(at, inv) {
	return `+${((at - inv) / 1000).toFixed(3)} s`;
}

// The office time of epoch ms, with its milliseconds.
function abs(at) {
	if (!Number.isFinite(at))
		return '-';
	return `${fmtTime(Math.floor(at / 1000)).slice(11)}.${String(Math.floor(at % 1000)).padStart(3, '0')}`;
}

let serial = 0;

// The ladder of one call (an element): two lanes, caller and callee, each
// labelled with its ip:port; one arrow per message, top to bottom in time.
export function ladder(c) {
	const msgs = ladderMessages(c);
	const inv = ms(c.invite_ts);
	const W = 720, X0 = 220, X1 = 560, TOP = 16, STEP = 40;
	const H = TOP + STEP * (msgs.length + (c.state === 'answered' || c.end === 'bye' ? 0 : 1)) + 8;
	const id = `ladder-head-${++serial}`;
	const g = svg('svg', { class: 'ladder-svg', viewBox: `0 0 ${W} ${H}`, width: W, height: H,
		role: 'img', 'aria-label': t('ladder.aria', { id: escapeWire(c.call_id) }) },
	svg('defs', {}, svg('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5,
		markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
	svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'ladder-head' }))),
	svg('line', { x1: X0, y1: 0, x2: X0, y2: H, class: 'ladder-life' }),
	svg('line', { x1: X1, y1: 0, x2: X1, y2: H, class: 'ladder-life' }));
	msgs.forEach((m, i) => {
		const y = TOP + STEP * i + 22;
		const [xa, xb] = m.from === 'a' ? [X0, X1] : [X1, X0];
		g.append(svg('g', { class: `ladder-msg ladder-${m.kind}`, 'data-label': m.label,
			'data-from': m.from === 'a' ? 'caller' : 'callee' },
		svg('text', { x: 4, y: y - 4, class: 'ladder-rel' }, rel(m.at, inv)),
		svg('text', { x: 4, y: y + 10, class: 'ladder-abs' }, abs(m.at)),
		svg('line', { x1: xa, y1: y, x2: xb, y2: y, class: 'ladder-arrow',
			'marker-end': `url(#${id})` }),
		svg('text', { x: (X0 + X1) / 2, y: y - 6, class: 'ladder-label',
			'text-anchor': 'middle' }, m.label)));
	});
	if (!(c.state === 'answered' || c.end === 'bye')) {
		const y = TOP + STEP * msgs.length + 22;
		g.append(svg('text', { x: (X0 + X1) / 2, y, class: 'ladder-end',
			'text-anchor': 'middle' }, t('ladder.ended', { end: String(c.end || '') })));
	}
	const lane = (cls, who, ip, port) => el('div', { class: `ladder-lane ${cls}` },
		el('div', { class: 'small text-muted' }, who),
		wire(`${ip || ''}${port !== null && port !== undefined ? ':' + Number(port) : ''}`));
	return el('div', { class: 'ladder', id: 'ladder-view' },
		el('div', { class: 'ladder-scroll' },
			el('div', { class: 'ladder-lanes' }, el('div', { class: 'ladder-gutter' }, t('ladder.time')),
				lane('ladder-caller', t('ladder.caller'), c.src_ip, c.src_port),
				lane('ladder-callee', t('ladder.callee'), c.dst_ip, c.dst_port)),
			g),
		el('dl', { class: 'row small mb-0 ladder-facts' },
			el('dt', { class: 'col-sm-3' }, 'Call-ID'), el('dd', { class: 'col-sm-9' }, wire(c.call_id)),
			el('dt', { class: 'col-sm-3' }, 'User-Agent'),
			el('dd', { class: 'col-sm-9', id: 'ladder-ua' }, wire(c.user_agent)),
			el('dt', { class: 'col-sm-3' }, 'Server'), el('dd', { class: 'col-sm-9' }, wire(c.server)),
			el('dt', { class: 'col-sm-3' }, t('ladder.messages')),
			el('dd', { class: 'col-sm-9' }, String(Number(c.messages) || 0), ' · ',
				t('ladder.appliance'), ' ', wire(c.appliance))));
}

function stateText(s) {
	return ['answered', 'rejected', 'cancelled', 'no_answer', 'timeout', 'setup'].includes(s) ?
		t(`ladder.state_${s}`) : wire(s);
}

// The call last drawn, so that a redraw of the page (a lead change) keeps it.
let last = null;
const same = (a, b) => a && b && a.appliance === b.appliance && a.call_id === b.call_id &&
	a.invite_ts === b.invite_ts;

// The lead page's "Sample calls" card: a table of the calls; a click on a row
// (or Enter on it) draws that call's ladder under the table.
export function sampleCalls(calls) {
	const view = el('div', { class: 'mt-3', id: 'ladder-box' },
		el('p', { class: 'text-muted mb-0' }, calls.length ? t('ladder.pick') : ''));
	let picked = null;
	const show = (row, c) => {
		if (picked)
			picked.classList.remove('table-active');
		picked = row;
		last = c;
		row.classList.add('table-active');
		view.replaceChildren(ladder(c));
	};
	const rows = calls.map((c, i) => {
		const row = el('tr', { class: 'ladder-row', tabindex: '0', dataset: { i: String(i) } },
			el('td', {}, fmtTime(Math.floor(ms(c.invite_ts) / 1000) || 0)),
			el('td', { class: 'ladder-caller-no' }, wire(c.caller)),
			el('td', { class: 'ladder-callee-no' }, wire(c.callee)),
			el('td', {}, stateText(c.state), c.status ? ` (${Number(c.status)})` : ''),
			el('td', {}, `${Number(c.duration || 0).toFixed(3)} s`));
		row.addEventListener('click', () => show(row, c));
		row.addEventListener('keydown', (e) => {
			if (e.key === 'Enter')
				show(row, c);
		});
		if (same(c, last))
			show(row, c);
		return row;
	});
	const cols = [t('ladder.col_time'), t('ladder.col_caller'), t('ladder.col_callee'),
		t('ladder.col_state'), t('ladder.col_duration')];
	return el('section', { class: 'card mb-3', id: 'lead-ladder' },
		el('div', { class: 'card-header fw-bold' }, t('ladder.title', { n: calls.length })),
		el('div', { class: 'card-body' },
			el('p', { class: 'small text-muted' }, t('ladder.note')),
			el('div', { class: 'table-responsive ladder-table' }, el('table',
				{ class: 'table table-sm table-hover align-middle mb-0', id: 'ladder-calls' },
				el('thead', {}, el('tr', {}, cols.map((x) => el('th', { scope: 'col' }, x)))),
				el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: '5',
					class: 'text-muted', id: 'ladder-none' }, t('ladder.none')))))),
			view));
}
