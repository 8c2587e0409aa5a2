// SPDX-License-Identifier: BSD-2-Clause
// The evidence files of a lead, as a card of its page (#/lead/ID; docs/evidence.md):
// one row per signed pcapng the appliances sent for the lead's detections
// (GET /api/v1/leads/ID/evidence), each with a link to its package (a tar of the
// pcapng, signature, appliance certificate, office CA and manifest; GET
// /api/v1/leads/ID/evidence/SHA256), which central writes into the custody log.
// Links are built from the numeric lead id and a sha256 of 64 hex digits only.
import { api, el, fmtTime, t, wire } from './core.js';

const SHA256 = /^[0-9a-f]{64}$/;

// 50768 -> "49.6 KiB"; the exact count is in the title.
function fmtSize(n) {
	if (n < 1024)
		return `${n} B`;
	if (n < 1024 * 1024)
		return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function stateBadge(f) {
	const deleted = Number(f.deleted) || 0, verified = Number(f.verified) || 0;
	if (deleted)
		return el('span', { class: 'badge bg-secondary', title: fmtTime(deleted) },
			t('evfile.deleted'));
	return verified ?
		el('span', { class: 'badge bg-success', title: fmtTime(verified) }, t('evfile.verified')) :
		el('span', { class: 'badge bg-warning text-dark' }, t('evfile.unverified'));
}

function row(id, f) {
	const sha = typeof f.sha256 === 'string' && SHA256.test(f.sha256) ? f.sha256 : null;
	const size = Number(f.size) || 0;
	const get = sha && !Number(f.deleted) ?
		el('a', { class: 'btn btn-sm btn-outline-primary evfile-get', download: '',
			href: `/api/v1/leads/${id}/evidence/${sha}` }, t('evfile.download')) : '';
	return el('tr', { class: 'evfile', dataset: sha ? { sha256: sha } : {} },
		el('td', { class: 'evfile-time' }, fmtTime(Number(f.received) || Number(f.verified))),
		el('td', {}, wire(f.appliance), el('div', { class: 'small text-muted evfile-name' },
			wire(f.name))),
		el('td', { class: 'evfile-size', title: t('evfile.bytes', { n: size }) }, fmtSize(size)),
		el('td', {}, sha ? el('code', { class: 'evfile-sha', title: sha }, `${sha.slice(0, 12)}…`) :
			wire(f.sha256)),
		el('td', {}, stateBadge(f)),
		el('td', { class: 'text-end' }, get));
}

function table(id, files) {
	return el('div', { class: 'table-responsive' }, el('table',
		{ class: 'table table-sm align-middle mb-2', id: 'evfile-table' },
		el('thead', {}, el('tr', {}, [t('evfile.received'), t('evfile.appliance'),
			t('evfile.size'), 'SHA-256', t('evfile.state'), ''].map((c) =>
			el('th', { scope: 'col' }, c)))),
		el('tbody', {}, files.length ? files.map((f) => row(id, f)) :
			el('tr', {}, el('td', { colspan: '6', class: 'text-muted', id: 'evfile-none' },
				t('evfile.none'))))));
}

// Draws the "Evidence files" card of lead ID into the page MAIN, after the
// evidence timeline (#lead-ev) when there is one; resolves once it is filled.
// A redraw of the page while the list loads leaves the card it cleared alone.
export async function drawEvidenceFiles(main, id) {
	if (!Number.isInteger(id) || id < 1)
		return;
	const body = el('div', { class: 'card-body' },
		el('p', { class: 'text-muted mb-0' }, t('evfile.loading')));
	const card = el('section', { class: 'card mb-3', id: 'lead-evfiles' },
		el('div', { class: 'card-header fw-bold', id: 'evfile-head' }, t('evfile.title')), body);
	const old = main.querySelector('#lead-evfiles');
	const at = main.querySelector('#lead-ev');
	if (old)
		old.replaceWith(card);
	else if (at)
		at.after(card);
	else
		main.append(card);
	let files;
	try {
		files = (await api('GET', `/leads/${id}/evidence`)).files || [];
	} catch (e) {
		body.replaceChildren(el('p', { class: 'text-muted mb-0', id: 'evfile-error' },
			e.status === 403 ? t('evfile.forbidden') : t('evfile.failed'), ' ', wire(e.message)));
		return;
	}
	card.querySelector('#evfile-head').textContent = t('evfile.title_n', { n: files.length });
	body.replaceChildren(table(id, files),
		el('p', { class: 'small text-muted mb-0' }, t('evfile.note')));
}
