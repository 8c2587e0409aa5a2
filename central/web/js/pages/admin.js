// SPDX-License-Identifier: BSD-2-Clause
// Administration (#/admin): users (list, add with a role and a carrier, a new
// password, disable) and API tokens (create with a role, shown once; revoke)
// for the admin; the audit trail for the admin and the supervisor, with
// filters (who, action, time range: GET /api/v1/audit) and its CSV export.
// The filters live in the hash: #/admin?who=u.admin&action=user%20add&since=...
import {
	api, clear, confirmNote, el, errorPage, escapeWire, fmtTime, qs, session, t, toast, wire,
} from '../core.js';
import { officeEpoch, officeInput } from '../lib-officetime.js';

const ROLES = ['admin', 'supervisor', 'analyst', 'carrier', 'engineer'];
// What the API and the CLI write (docs/api.md, Audit), offered as the action filter.
const ACTIONS = ['login', 'logout', 'list', 'view', 'export', 'user add', 'user passwd',
	'user disable', 'user cert', 'token add', 'token revoke', 'sim disposition', 'config push',
	'appliance group', 'appliance site', 'events', 'assign', 'feedback acknowledged',
	'feedback confirmed', 'feedback false_positive', 'feedback dismantled'];
const PAGE = 100;

function roleSelect(id) {
	return el('select', { class: 'form-select form-select-sm w-auto', id,
		'aria-label': t('admin.role') }, ROLES.map((r) => el('option', { value: r }, t(`role.${r}`))));
}

// A secret the API shows once: in a box to copy, never stored by the page.
function once(label, secret, id) {
	return el('div', { class: 'alert alert-warning py-2 admin-once', id },
		el('div', {}, label), el('code', { class: 'user-select-all admin-secret' }, secret),
		el('div', { class: 'small' }, t('admin.once')));
}

// ---- users -------------------------------------------------------------
async function usersSection(tokensBox) {
	const box = el('section', { class: 'card card-body mb-3', id: 'admin-users' });
	const out = el('div', { id: 'admin-users-out' });
	const draw = async () => {
		let doc;
		try {
			doc = await api('GET', '/users');
		} catch (e) {
			clear(out).append(el('p', { class: 'text-danger' }, wire(e.message)));
			return;
		}
		const users = doc.users || [];
		tokensBox.setUsers(users);
		clear(out).append(el('table', { class: 'table table-sm align-middle', id: 'admin-users-table' },
			el('thead', {}, el('tr', {}, [t('admin.name'), t('admin.role'), t('admin.carrier'),
				t('admin.cert_cn'), t('admin.created'), t('admin.state'), ''].map((h) => el('th', {}, h)))),
			el('tbody', {}, users.map((u, i) => el('tr', {
				class: u.disabled ? 'text-muted' : '', dataset: { i: String(i) } },
			el('td', { class: 'admin-user-name' }, wire(u.name)),
			el('td', {}, ROLES.includes(u.role) ? t(`role.${u.role}`) : wire(u.role)),
			el('td', {}, wire(u.carrier)), el('td', {}, wire(u.cert_cn)),
			el('td', {}, fmtTime(u.created)),
			el('td', { class: 'admin-user-state' }, u.disabled ? t('admin.disabled') : t('admin.enabled')),
			el('td', { class: 'text-end' }, u.disabled ? null : [
				el('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary me-1 admin-reset',
					onclick: () => reset(u.name) }, t('admin.reset')),
				u.name === session.user ? null : el('button', { type: 'button',
					class: 'btn btn-sm btn-outline-danger admin-disable',
					onclick: () => disable(u.name) }, t('admin.disable'))]))))));
	};
	const reset = async (name) => {
		if (await confirmNote(t('admin.confirm_reset', { name }), { note: false }) === null)
			return;
		try {
			const r = await api('POST', `/users/${encodeURIComponent(name)}/password`,
				{ generate: 'yes' });
			clear(flash).append(once(t('admin.new_password', { name }), r.password, 'admin-password'));
		} catch (e) {
			toast(e.message, 'danger');
		}
	};
	const disable = async (name) => {
		const reason = await confirmNote(t('admin.confirm_disable', { name }),
			{ ok: t('admin.disable') });
		if (reason === null)
			return;
		try {
			await api('POST', `/users/${encodeURIComponent(name)}/disable`, { reason });
			toast(t('admin.disabled_ok', { name }));
			await draw();
		} catch (e) {
			toast(e.message, 'danger');
		}
	};

	const flash = el('div', { id: 'admin-users-flash' });
	const name = el('input', { class: 'form-control form-control-sm w-auto', id: 'admin-new-name',
		required: true, maxlength: 32, pattern: '[a-z0-9._\\-]{1,32}', placeholder: 'name',
		'aria-label': t('admin.name') });
	const role = roleSelect('admin-new-role');
	const carrier = el('input', { class: 'form-control form-control-sm w-auto', id: 'admin-new-carrier',
		maxlength: 6, pattern: '[0-9]{5,6}', placeholder: '46001', 'aria-label': t('admin.carrier'),
		disabled: true });
	role.addEventListener('change', () => {
		carrier.disabled = role.value !== 'carrier';
		carrier.required = role.value === 'carrier';
	});
	const add = el('form', { class: 'd-flex flex-wrap align-items-center gap-2 mb-2', id: 'admin-add',
		onsubmit: async (ev) => {
			ev.preventDefault();
			const body = { name: name.value.trim(), role: role.value };
			if (role.value === 'carrier')
				body.carrier = carrier.value.trim();
			try {
				const r = await api('POST', '/users', body);
				clear(flash).append(once(t('admin.added', { name: r.name }), r.password || '-',
					'admin-password'));
				name.value = '';
				await draw();
			} catch (e) {
				toast(`${t('admin.add_failed')}: ${e.message}`, 'danger');
			}
		} },
	el('label', { for: 'admin-new-name' }, t('admin.name')), name,
	el('label', { for: 'admin-new-role' }, t('admin.role')), role,
	el('label', { for: 'admin-new-carrier' }, t('admin.carrier')), carrier,
	el('button', { type: 'submit', class: 'btn btn-sm btn-primary', id: 'admin-add-submit' },
		t('admin.add')));
	box.append(el('h5', {}, t('admin.users')), add, flash, out);
	await draw();
	return box;
}

// ---- tokens ------------------------------------------------------------
// There is no route that lists tokens: the ones made here are listed until the
// page is left, and any other is revoked by its id.
function tokensSection() {
	const box = el('section', { class: 'card card-body mb-3', id: 'admin-tokens' });
	const user = el('select', { class: 'form-select form-select-sm w-auto', id: 'admin-token-user',
		'aria-label': t('admin.name') });
	const role = roleSelect('admin-token-role');
	const flash = el('div', { id: 'admin-token-flash' });
	const made = el('ul', { class: 'list-unstyled', id: 'admin-token-list' });
	const revoke = async (id, li) => {
		const reason = await confirmNote(t('admin.confirm_revoke', { id }), { ok: t('admin.revoke') });
		if (reason === null)
			return;
		try {
			await api('DELETE', `/tokens/${Number(id)}`, { reason });
			toast(t('admin.revoked', { id }));
			if (li) {
				li.classList.add('text-muted');
				li.querySelector('button')?.remove();
				li.append(' ', t('admin.revoked_mark'));
			}
		} catch (e) {
			toast(`${t('admin.revoke_failed')}: ${e.message}`, 'danger');
		}
	};
	const create = el('form', { class: 'd-flex flex-wrap align-items-center gap-2 mb-2',
		id: 'admin-token-form', onsubmit: async (ev) => {
			ev.preventDefault();
			const name = user.value;
			try {
				const r = await api('POST', `/users/${encodeURIComponent(name)}/tokens`,
					{ role: role.value });
				const id = Number(r.id);
				clear(flash).append(once(t('admin.token_made', { id, name }), r.token, 'admin-token'));
				const li = el('li', { dataset: { id: String(id) } },
					`#${id} `, wire(r.name), ` · ${ROLES.includes(r.role) ? t(`role.${r.role}`) : '-'} `);
				li.append(el('button', { type: 'button', class: 'btn btn-sm btn-outline-danger admin-revoke',
					onclick: () => revoke(id, li) }, t('admin.revoke')));
				made.append(li);
			} catch (e) {
				toast(`${t('admin.token_failed')}: ${e.message}`, 'danger');
			}
		} },
	el('label', { for: 'admin-token-user' }, t('admin.name')), user,
	el('label', { for: 'admin-token-role' }, t('admin.role')), role,
	el('button', { type: 'submit', class: 'btn btn-sm btn-primary', id: 'admin-token-create' },
		t('admin.token_create')));
	const byId = el('input', { class: 'form-control form-control-sm w-auto', id: 'admin-revoke-id',
		type: 'number', min: 1, required: true, 'aria-label': t('admin.token_id') });
	const other = el('form', { class: 'd-flex align-items-center gap-2', id: 'admin-revoke-form',
		onsubmit: (ev) => {
			ev.preventDefault();
			const li = made.querySelector(`li[data-id="${Number(byId.value)}"]`);
			revoke(Number(byId.value), li);
		} },
	el('label', { for: 'admin-revoke-id' }, t('admin.token_id')), byId,
	el('button', { type: 'submit', class: 'btn btn-sm btn-outline-danger' }, t('admin.revoke')));
	box.append(el('h5', {}, t('admin.tokens')), create, flash, made, other);
	box.setUsers = (users) => {
		const keep = user.value;
		clear(user).append(...users.filter((u) => !u.disabled).map((u) =>
			el('option', { value: u.name }, escapeWire(u.name))));
		if (keep)
			user.value = keep;
	};
	return box;
}

// ---- audit -------------------------------------------------------------
async function auditSection(route) {
	const q = route.query;
	const f = { who: q.get('who') || '', action: q.get('action') || '',
		since: /^\d+$/.test(q.get('since') || '') ? Number(q.get('since')) : '',
		until: /^\d+$/.test(q.get('until') || '') ? Number(q.get('until')) : '' };
	const box = el('section', { class: 'card card-body mb-3', id: 'admin-audit' });
	const who = el('input', { class: 'form-control form-control-sm w-auto', id: 'audit-who',
		maxlength: 200, value: f.who, 'aria-label': t('admin.who') });
	const action = el('input', { class: 'form-control form-control-sm w-auto', id: 'audit-action',
		maxlength: 200, value: f.action, list: 'audit-actions', 'aria-label': t('admin.action') });
	const since = el('input', { class: 'form-control form-control-sm w-auto', id: 'audit-since',
		type: 'datetime-local', value: f.since ? officeInput(f.since) : '', 'aria-label': t('admin.since') });
	const until = el('input', { class: 'form-control form-control-sm w-auto', id: 'audit-until',
		type: 'datetime-local', value: f.until ? officeInput(f.until) : '', 'aria-label': t('admin.until') });
	const form = el('form', { class: 'd-flex flex-wrap align-items-center gap-2 mb-2', id: 'audit-filter',
		onsubmit: (ev) => {
			ev.preventDefault();
			location.hash = '#/admin' + qs({ who: who.value.trim(), action: action.value.trim(),
				since: officeEpoch(since.value), until: officeEpoch(until.value) });
		} },
	el('datalist', { id: 'audit-actions' }, ACTIONS.map((a) => el('option', { value: a }))),
	el('label', { for: 'audit-who' }, t('admin.who')), who,
	el('label', { for: 'audit-action' }, t('admin.action')), action,
	el('label', { for: 'audit-since' }, t('admin.since')), since,
	el('label', { for: 'audit-until' }, t('admin.until')), until,
	el('button', { type: 'submit', class: 'btn btn-sm btn-primary', id: 'audit-apply' },
		t('admin.filter')),
	el('a', { class: 'btn btn-sm btn-outline-secondary', href: '#/admin', id: 'audit-reset' },
		t('admin.filter_reset')),
	el('a', { class: 'btn btn-sm btn-outline-secondary', id: 'audit-csv', download: '',
		href: '/api/v1/audit.csv' + qs(f) }, t('admin.csv')));
	const tbody = el('tbody', { id: 'audit-rows' });
	const more = el('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary',
		id: 'audit-more', hidden: true }, t('admin.more'));
	let next = null;
	const load = async () => {
		const doc = await api('GET', '/audit' + qs({ ...f, limit: PAGE, before: next }));
		tbody.append(...doc.audit.map((r) => el('tr', { dataset: { id: String(Number(r.id)) } },
			el('td', {}, String(Number(r.id))), el('td', {}, fmtTime(r.at)),
			el('td', { class: 'audit-who' }, wire(r.who)), el('td', {}, wire(r.addr)),
			el('td', { class: 'audit-action' }, wire(r.action)),
			el('td', { class: 'audit-target' }, wire(r.target)),
			el('td', { class: 'audit-result' }, wire(r.result)))));
		next = doc.next;
		more.hidden = next === null;
	};
	more.addEventListener('click', () => load().catch((e) => toast(e.message, 'danger')));
	await load();
	box.append(el('h5', {}, t('admin.audit')), form,
		el('div', { class: 'table-responsive' }, el('table', { class: 'table table-sm', id: 'audit-table' },
			el('thead', {}, el('tr', {}, ['#', t('admin.at'), t('admin.who'), t('admin.addr'),
				t('admin.action'), t('admin.target'), t('admin.result')].map((h) => el('th', {}, h)))),
			tbody)), more);
	return box;
}

export default async function admin(main, route) {
	const parts = [];
	try {
		if (session.role === 'admin') {
			const tokens = tokensSection();
			parts.push(await usersSection(tokens), tokens);
		}
		parts.push(await auditSection(route));
	} catch (e) {
		return errorPage(main, e);
	}
	clear(main).append(el('h3', {}, t('admin.title')), ...parts);
}
