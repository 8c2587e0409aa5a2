// SPDX-License-Identifier: BSD-2-Clause
// Card cutting (#/cards): the SIMs to cut, with their current disposition, a
// disposition for the selected ones, and the CSV. A carrier liaison sees only
// its own operator's SIMs (the API scopes it: GET /api/v1/sims) and no line
// details; office roles may narrow by carrier and to the cutting selection
// (#/cards?carrier=46001&cutting=1). Dispositions: POST /api/v1/sims/dispositions
// (carrier, admin), all or nothing.
import {
	api, clear, confirmNote, el, errorPage, fmtTime, nowSecs, qs, session, t, tierBadge,
	toast, wire,
} from '../core.js';
import { officeEpoch, officeInput, rfc3339 } from '../lib-officetime.js';

const DISPOSITIONS = ['shut_down', 'restored', 'not_ours'];
const PAGE = 5000;		// rows per request (the API's most)
const MAX_ROWS = 50000;	// what one page of the console shows

// Every SIM the filter selects, following `next`.
async function loadSims(filter) {
	const rows = [];
	let after = {};
	for (;;) {
		const doc = await api('GET', '/sims' + qs({ ...filter, limit: PAGE, ...after }));
		rows.push(...doc.sims);
		if (!doc.next || rows.length >= MAX_ROWS)
			return { rows, more: Boolean(doc.next) };
		after = { after_lead: doc.next.after_lead, after_sim: doc.next.after_sim };
	}
}

function when(s) {
	const e = rfc3339(s);
	return e === null ? wire(s) : fmtTime(e);
}

function dispLabel(d) {
	return DISPOSITIONS.includes(d) ? t(`cards.disp.${d}`) : wire(d);
}

export default async function cards(main, route) {
	const carrierRole = session.role === 'carrier';
	const mayRecord = session.role === 'carrier' || session.role === 'admin';
	const filter = {};
	if (!carrierRole) {
		const c = route.query.get('carrier') || '';
		if (/^\d{5,6}$/.test(c))
			filter.carrier = c;
		if (route.query.get('cutting') === '1')
			filter.cutting = 1;
	}
	let data;
	try {
		data = await loadSims(filter);
	} catch (e) {
		return errorPage(main, e);
	}
	const rows = data.rows;
	const checks = [];

	const count = el('span', { id: 'cards-selected', class: 'ms-2' });
	const all = el('input', { type: 'checkbox', class: 'form-check-input', id: 'cards-all',
		'aria-label': t('cards.select_all') });
	const apply = el('button', { type: 'button', class: 'btn btn-primary btn-sm ms-2',
		id: 'cards-apply', disabled: true }, t('cards.apply'));
	const selected = () => checks.filter((c) => c.checked).map((c) => rows[Number(c.dataset.i)]);
	const update = () => {
		const n = selected().length;
		count.textContent = t('cards.selected', { n });
		apply.disabled = n === 0;
		all.checked = n > 0 && n === checks.length;
		all.indeterminate = n > 0 && n < checks.length;
	};
	all.addEventListener('change', () => {
		for (const c of checks)
			c.checked = all.checked;
		update();
	});

	const disp = el('select', { class: 'form-select form-select-sm w-auto', id: 'cards-disp',
		'aria-label': t('cards.disposition') },
	DISPOSITIONS.map((d) => el('option', { value: d }, t(`cards.disp.${d}`))));
	const at = el('input', { type: 'datetime-local', class: 'form-control form-control-sm w-auto',
		id: 'cards-at', value: officeInput(nowSecs()), 'aria-label': t('cards.at') });
	apply.addEventListener('click', async () => {
		const sel = selected();
		const epoch = officeEpoch(at.value);
		if (sel.length === 0)
			return;
		if (epoch === null)
			return toast(t('cards.bad_time'), 'warning');
		const note = await confirmNote(t('cards.confirm', { n: sel.length,
			disposition: t(`cards.disp.${disp.value}`), at: fmtTime(epoch) }),
		{ note: 'optional', ok: t('cards.apply') });
		if (note === null)
			return;
		const body = { sims: sel.map((s) => s.sim), disposition: disp.value, at: epoch };
		if (note !== '')
			body.note = note;
		try {
			const r = await api('POST', '/sims/dispositions', body);
			await cards(main, route);
			toast(t('cards.recorded', { n: Number(r.recorded) }));
		} catch (e) {
			toast(e.message ? `${t('cards.failed')}: ${e.message}` : t('cards.failed'), 'danger');
		}
	});

	// The CSV of the same selection: a plain link (the session cookie goes with it).
	const csv = el('a', { class: 'btn btn-outline-secondary btn-sm', id: 'cards-csv',
		href: '/api/v1/sims.csv' + qs(filter), download: '' }, t('cards.csv'));

	const head = [mayRecord ? el('th', {}, all) : null, t('cards.sim'), t('cards.carrier'),
		'IMSI', 'ICCID', 'MSISDN', 'IMEI', t('cards.lead'), t('cards.tier'),
		carrierRole ? null : t('cards.status'), t('cards.last_seen'), t('cards.disposition'),
		t('cards.disposition_at'), t('cards.by'), t('cards.note')];
	const body = el('tbody', {}, rows.map((s, i) => {
		let box = null;
		if (mayRecord) {
			box = el('input', { type: 'checkbox', class: 'form-check-input cards-check',
				dataset: { i: String(i) }, 'aria-label': t('cards.select'), onchange: update });
			checks.push(box);
		}
		const lead = Number(s.lead);
		return el('tr', { dataset: { i: String(i), disposition: s.disposition || '' } },
			box ? el('td', {}, box) : null,
			el('td', { class: 'cards-key' }, wire(s.sim)), el('td', {}, wire(s.carrier)),
			el('td', {}, wire(s.imsi)), el('td', {}, wire(s.iccid)),
			el('td', {}, wire(s.msisdn)), el('td', {}, wire(s.imei)),
			el('td', {}, carrierRole ? `#${lead}` : el('a', { href: `#/lead/${lead}` }, `#${lead}`)),
			el('td', {}, tierBadge(['urgent', 'high', 'general'].includes(s.tier) ? s.tier : 'general')),
			carrierRole ? null : el('td', {}, s.status ? t(`status.${s.status}`) : '-'),
			el('td', {}, when(s.last_seen)),
			el('td', { class: 'cards-disp' }, s.disposition ? dispLabel(s.disposition) : '-'),
			el('td', {}, s.disposition_at ? when(s.disposition_at) : '-'),
			el('td', {}, wire(s.disposition_by)), el('td', {}, wire(s.disposition_note)));
	}));

	let narrow = null;
	if (!carrierRole) {
		const car = el('input', { class: 'form-control form-control-sm w-auto', id: 'cards-carrier',
			placeholder: '46001', inputmode: 'numeric', pattern: '[0-9]{5,6}', maxlength: 6,
			value: filter.carrier || '', 'aria-label': t('cards.carrier') });
		const cut = el('input', { type: 'checkbox', class: 'form-check-input', id: 'cards-cutting',
			checked: Boolean(filter.cutting) });
		narrow = el('form', { class: 'd-flex align-items-center gap-2 mb-2', id: 'cards-filter',
			onsubmit: (ev) => {
				ev.preventDefault();
				const c = car.value.trim();
				location.hash = '#/cards' + qs({ carrier: /^\d{5,6}$/.test(c) ? c : '',
					cutting: cut.checked ? 1 : '' });
			} },
		el('label', { for: 'cards-carrier' }, t('cards.carrier')), car,
		el('div', { class: 'form-check mb-0' }, cut,
			el('label', { class: 'form-check-label', for: 'cards-cutting' }, t('cards.cutting'))),
		el('button', { class: 'btn btn-sm btn-outline-primary', type: 'submit' },
			t('cards.narrow')));
	}

	// through el(): it leaves out the parts this role has not (null)
	clear(main).append(el('div', { id: 'cards-page' },
		el('h3', {}, t('cards.title')),
		el('p', { class: 'text-muted', id: 'cards-scope' }, carrierRole ?
			t('cards.scope_carrier', { carrier: session.carrier || '-' }) : t('cards.scope_office')),
		narrow,
		el('div', { class: 'd-flex align-items-center flex-wrap gap-2 mb-2' },
			el('span', { id: 'cards-count' }, t('cards.count', { n: rows.length })),
			data.more ? el('span', { class: 'text-warning' }, t('cards.more', { n: rows.length })) : null,
			csv,
			mayRecord ? el('span', { class: 'd-flex align-items-center gap-2 ms-3' },
				t('cards.set'), disp, t('cards.at'), at, apply, count) : null),
		rows.length === 0 ? el('p', { id: 'cards-empty' }, t('cards.empty')) :
			el('div', { class: 'table-responsive' },
				el('table', { class: 'table table-sm table-hover align-middle', id: 'cards-table' },
					el('thead', {}, el('tr', {}, head.filter((h) => h !== null).map((h) =>
						(h instanceof Node ? h : el('th', {}, h))))),
					body))));
	update();
}
