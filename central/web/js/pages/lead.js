// SPDX-License-Identifier: BSD-2-Clause
// One lead (#/lead/ID, GET /api/v1/leads/ID): the line, verdict, tier, score
// and deadline; the evidence as a timeline; detection reports per hour
// (Chart.js); the foreign peers and the SIMs with the carrier's disposition;
// linked leads; the history; and the actions the role may take, each one
// click and a confirm with a note (POST /leads/ID/MOVE, /assign).
// The sample calls of the line and their SIP ladders: lib-ladder.js.
import {
	api, clear, confirmNote, countdown, el, errorPage, fmtTime, loadScript, onLeadChange,
	session, t, tierBadge, toast, wire,
} from '../core.js';
import { drawEvidenceFiles } from '../lib-evidence.js';
import { lineText } from './queue.js';
import { sampleCalls } from '../lib-ladder.js';

const epoch = (s) => (s ? Math.floor(Date.parse(s) / 1000) : 0);

// The workflow's moves from each status (docs/central.md, Leads).
const MOVES = {
	new: ['acknowledge', 'confirm', 'false_positive', 'dismantled'],
	acknowledged: ['confirm', 'false_positive', 'dismantled'],
	confirmed: ['dismantled'],
	false_positive: [],
	dismantled: [],
};


function section(id, title, ...body) {
	return el('section', { class: 'card mb-3', id }, el('div', { class: 'card-header fw-bold' },
		title), el('div', { class: 'card-body' }, ...body));
}

function table(id, cols, rows) {
	return el('div', { class: 'table-responsive' }, el('table',
		{ class: 'table table-sm align-middle mb-0', id },
		el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' }, c)))),
		el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: String(cols.length),
			class: 'text-muted' }, t('lead.none'))))));
}

function kv(pairs) {
	return el('dl', { class: 'row mb-0' }, pairs.map(([k, v, id]) => [
		el('dt', { class: 'col-sm-4' }, k), el('dd', { class: 'col-sm-8', id }, v)]));
}

// Evidence kinds the catalogue names; any other kind shows as its wire text.
const KNOWN_EV = ['sip_user_agent', 'sms_server_keepalive', 'sms_server_event',
	'sim_bank_in_use', 'sdp_dbl_session', 'sdp_dbl_origin', 'sip_goip_allow',
	'register_expires_60', 'termination_pattern',
	'opaque_voice', 'call_behaviour', 'cadence', 'watchlist_peer'];
function evKind(kind) {
	return KNOWN_EV.includes(kind) ? el('span', { title: kind }, t(`lead.ev_${kind}`)) : wire(kind);
}

// The evidence as a timeline: one bar per kind and detail from first to last seen.
function timeline(list) {
	const evidence = [...list].sort((x, y) => (epoch(x.first_ts) || Infinity) -
		(epoch(y.first_ts) || Infinity) || String(x.kind).localeCompare(String(y.kind)));
	const times = evidence.flatMap((e) => [epoch(e.first_ts), epoch(e.last_ts)]).filter((x) => x);
	const lo = Math.min(...times), hi = Math.max(...times);
	return table('lead-evidence', [t('lead.ev_kind'), t('lead.ev_detail'), t('lead.ev_count'),
		t('lead.ev_first'), t('lead.ev_last'), t('lead.ev_span')], evidence.map((e) => {
		const a = epoch(e.first_ts), b = epoch(e.last_ts) || a;
		const bar = el('div', { class: 'ev-bar' });
		if (a && times.length && hi > lo) {
			bar.style.marginLeft = `${(100 * (a - lo)) / (hi - lo)}%`;
			bar.style.width = `${Math.max(1, (100 * (b - a)) / (hi - lo))}%`;
		}
		return el('tr', { dataset: { kind: String(e.kind) } }, el('td', {}, evKind(e.kind)),
			el('td', {}, wire(e.detail)), el('td', {}, String(Number(e.count))),
			el('td', {}, fmtTime(a)), el('td', {}, fmtTime(b)),
			el('td', { class: 'ev-track' }, bar));
	}));
}

async function drawChart(canvas, detections) {
	const per = new Map();
	for (const d of detections) {
		const h = Math.floor(epoch(d.ts) / 3600) * 3600;
		if (h)
			per.set(h, (per.get(h) || 0) + 1);
	}
	const hours = [...per.keys()].sort((a, b) => a - b);
	await loadScript('/lib/chart.js/chart.min.js', 'Chart');
	return new window.Chart(canvas, {
		type: 'bar',
		data: { labels: hours.map((h) => fmtTime(h).slice(5, 16)),
			datasets: [{ label: t('lead.chart_label'), data: hours.map((h) => per.get(h)),
				backgroundColor: '#b02a37' }] },
		options: { animation: false, maintainAspectRatio: false,
			scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
	});
}

export default async function lead(main, route) {
	const id = Number(route.args[0]);
	if (!Number.isInteger(id) || id < 1)
		return errorPage(main, { status: 404, message: String(route.args[0] || '') });
	let chart = null;
	let d;
	try {
		d = await api('GET', `/leads/${id}`);
	} catch (e) {
		return errorPage(main, e);
	}
	const draw = async () => {
		const L = d.lead;
		const deadline = epoch(L.deadline);
		const sup = session.role === 'supervisor' || session.role === 'admin';
		const act = async (move) => {
			const note = await confirmNoteFor(move);
			if (note === null)
				return;
			try {
				await api('POST', `/leads/${id}/${move}`, { note });
				d = await api('GET', `/leads/${id}`);
				await draw();
				toast(t('lead.done', { action: t(`lead.act_${move}`) }));
			} catch (e) {
				toast(e.status === 409 ? t('error.conflict') : String(e.message), 'warning');
			}
		};
		const actions = el('div', { class: 'mb-3', id: 'lead-actions' },
			(MOVES[L.status] || []).map((m) => el('button', {
				type: 'button', class: `btn btn-sm me-2 ${m === 'acknowledge' ?
					'btn-primary' : 'btn-outline-primary'}`, id: `lead-act-${m}`,
				onclick: () => act(m),
			}, t(`lead.act_${m}`))),
			sup ? el('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary',
				id: 'lead-act-assign', onclick: () => assign() }, t('lead.act_assign')) : null);
		const assign = async () => {
			// only an admin may list the users (GET /users); a supervisor types the name
			let users = [];
			if (session.role === 'admin')
				try {
					users = (await api('GET', '/users')).users || [];
				} catch (e) {
					users = [];
				}
			const pick = users.length ?
				el('select', { class: 'form-select mb-2', id: 'lead-assign-user' },
					users.filter((u) => ['analyst', 'supervisor', 'admin'].includes(u.role) &&
						!u.disabled).map((u) => el('option', { value: u.name }, escape(u.name)))) :
				el('input', { class: 'form-control mb-2', id: 'lead-assign-user', maxlength: 32,
					placeholder: t('lead.assign_user') });
			const note = await confirmWith(t('lead.assign_q', { id }), pick);
			if (note === null)
				return;
			try {
				await api('POST', `/leads/${id}/assign`, { user: pick.value, note: note || undefined });
				d = await api('GET', `/leads/${id}`);
				await draw();
				toast(t('lead.done', { action: t('lead.act_assign') }));
			} catch (e) {
				toast(String(e.message), 'warning');
			}
		};
		const infra = d.infrastructure || [];
		const peers = infra.filter((x) => x.kind === 'peer');
		if (chart)
			chart.destroy();
		chart = null;
		const canvas = el('canvas', { id: 'lead-chart' });
		clear(main).append(
			el('h2', { class: 'h4', id: 'lead-title' }, t('lead.title', { id }), ' ',
				tierBadge(L.tier), ' ', el('span', { class: 'badge bg-secondary', id: 'lead-status' },
					t(`status.${L.status}`))),
			el('p', {}, el('a', { href: '#/queue' }, t('lead.back'))),
			actions,
			el('div', { class: 'row' },
				el('div', { class: 'col-lg-6' }, section('lead-line', t('lead.line'), kv([
					[t('lead.ip'), wire(L.ip), 'lead-ip'],
					[t('lead.vlan'), L.vlan === null ? '-' : String(L.vlan)],
					[t('lead.pppoe'), L.pppoe_session === null ? '-' : String(L.pppoe_session)],
					[t('lead.account'), wire(L.account), 'lead-account'],
					[t('lead.device'), wire(L.device_id), 'lead-device'],
					[t('lead.site'), wire(L.site)],
				]))),
				el('div', { class: 'col-lg-6' }, section('lead-verdict', t('lead.verdict'), kv([
					[t('lead.verdict'), wire(L.verdict), 'lead-verdict-v'],
					[t('lead.tier'), tierBadge(L.tier)],
					[t('lead.score'), String(Number(L.score))],
					[t('lead.deadline'), [fmtTime(deadline), ' ',
						L.status === 'new' ? countdown(deadline) : ''], 'lead-deadline'],
					[t('lead.assignee'), wire(d.assignee), 'lead-assignee'],
					[t('lead.seen'), `${fmtTime(epoch(L.first_seen))} – ${fmtTime(epoch(L.last_seen))}`],
				])))),
			section('lead-ev', t('lead.evidence'), timeline(d.evidence || [])),
			section('lead-calls', t('lead.chart'),
				el('div', { class: 'chart-box' }, canvas),
				el('p', { class: 'small text-muted mb-0' }, t('lead.chart_note',
					{ n: (d.detections || []).length, total: Number(d.detections_total) }))),
			sampleCalls(d.calls || []),
			section('lead-peers', t('lead.peers'), table('lead-peer-table', [t('lead.peer')],
				peers.map((p) => el('tr', {}, el('td', {}, wire(p.value)))))),
			section('lead-sims', t('lead.sims', { n: (d.sims || []).length }),
				table('lead-sim-table', ['IMSI', 'ICCID', 'MSISDN', 'IMEI', t('lead.disposition'),
					t('lead.last_seen')], (d.sims || []).map((s) => el('tr', { class: 'sim' },
					el('td', {}, wire(s.imsi)), el('td', {}, wire(s.iccid)),
					el('td', {}, wire(s.msisdn)), el('td', {}, wire(s.imei)),
					el('td', {}, s.disposition ? wire(s.disposition) : t('lead.no_disp')),
					el('td', {}, fmtTime(epoch(s.last_seen))))))),
			section('lead-infra', t('lead.infra'), table('lead-infra-table',
				[t('lead.ev_kind'), t('lead.value')], infra.map((x) => el('tr', {},
					el('td', {}, wire(x.kind)), el('td', {}, wire(x.value)))))),
			section('lead-linked', t('lead.linked'), table('lead-linked-table',
				['#', t('lead.tier'), t('queue.col_status'), t('lead.ip'), t('lead.shared')],
				(d.linked || []).map((x) => el('tr', {},
					el('td', {}, el('a', { href: `#/lead/${Number(x.lead)}` }, `#${Number(x.lead)}`)),
					el('td', {}, tierBadge(x.tier)), el('td', {}, t(`status.${x.status}`)),
					el('td', {}, wire(x.ip)), el('td', {}, wire(x.kind), ' ', wire(x.value)))))),
			section('lead-history', t('lead.history'), table('lead-history-table',
				[t('lead.h_at'), t('lead.h_kind'), t('lead.h_who'), t('lead.h_what'), t('lead.h_note')],
				(d.history || []).map((h) => el('tr', { class: 'hist', dataset: { kind: String(h.kind) } },
					el('td', {}, fmtTime(epoch(h.at))), el('td', {}, wire(h.kind)),
					el('td', {}, wire(h.who)),
					el('td', {}, h.status ? t(`status.${h.status}`) : '', h.tier ? [' ', tierBadge(h.tier)] : '',
						h.assignee ? [' → ', wire(h.assignee)] : ''),
					el('td', {}, h.note ? wire(h.note) : ''))))));
		try {
			chart = await drawChart(canvas, d.detections || []);
		} catch (e) {
			canvas.replaceWith(el('p', { class: 'text-muted' }, t('lead.chart_fail')));
		}
		await drawEvidenceFiles(main, id);
	};
	await draw();
	// Another user moved it, or a new detection merged: show the new state.
	const stop = onLeadChange(async (c) => {
		if (Number(c.id) !== id)
			return;
		try {
			d = await api('GET', `/leads/${id}`);
			await draw();
		} catch (e) {
			// keep the page as it is
		}
	});
	return () => {
		stop();
		if (chart)
			chart.destroy();
	};
}

function escape(s) {
	return el('span', {}, wire(s)).textContent;
}

function confirmNoteFor(move) {
	return confirmWith(t(`lead.confirm_${move}`, { id: '' }), null);
}

// The confirm dialog with an optional control above the note.
function confirmWith(text, control) {
	const p = confirmNote(text, { note: control ? 'optional' : 'required' });
	if (control)
		document.getElementById('confirm-body').append(control);
	return p;
}
