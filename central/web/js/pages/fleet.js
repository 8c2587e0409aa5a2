// SPDX-License-Identifier: BSD-2-Clause
// The fleet (#/fleet, engineer and admin; a supervisor reads it): each appliance
// with its site and group, heartbeat age (silent ones first, as the API orders
// them), packets, drops per stage, spool backlog and its oldest record, and the
// config it runs with the answer to the newest push (applied, or refused with
// the appliance's message). Below, a group's config to edit and push
// (GET/PUT /api/v1/config/{group}); the table is polled while the page is open:
// every 1.5 s while a push waits for acks (up to 5 min), so they show as they
// arrive; otherwise every 15 s (each poll is a row in the audit trail). Below
// that, firmware rollouts (lib-firmware.js): read once when the page opens and
// after each start or halt, then every 15 s only while a rollout is active.
import { api, ApiError, clear, confirmNote, el, errorPage, fmtTime, session, t, toast, wire }
	from '../core.js';
import { firmwareSection } from '../lib-firmware.js';

const POLL_MS = 1500;
const IDLE_POLL_MS = 15000;
const WATCH_MS = 5 * 60 * 1000;
const STAGES = [['drops_kernel', 'kernel'], ['drops_ring', 'ring'], ['drops_decode', 'decode'],
	['drops_flow_table_full', 'flow'], ['drops_reassembly', 'reassembly']];
const REFUSED = ['bad_signature', 'stale', 'invalid', 'store_failed'];
const GROUP_RE = /^[A-Za-z0-9._-]{1,64}$/;

function num(v) {
	return v === null || v === undefined ? '-' : String(Number(v));
}

// Seconds as "42 s", "5 min 3 s", "2 h 10 min", "3 d 4 h".
function age(s) {
	if (s === null || s === undefined)
		return t('fleet.never');
	s = Math.max(0, Math.floor(Number(s)));
	if (s < 60)
		return t('fleet.age_s', { s });
	if (s < 3600)
		return t('fleet.age_m', { m: Math.floor(s / 60), s: s % 60 });
	if (s < 86400)
		return t('fleet.age_h', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
	return t('fleet.age_d', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

// The answer to the newest push as a badge: applied, waiting, refused (with why), none.
function configState(cf) {
	const st = cf ? cf.state : null;
	let cls = 'text-bg-secondary', key = 'fleet.cfg_none';
	if (st === 'applied') {
		cls = 'text-bg-success';
		key = 'fleet.cfg_applied';
	} else if (st === 'pushed, no answer') {
		cls = 'text-bg-warning';
		key = 'fleet.cfg_waiting';
	} else if (REFUSED.includes(st)) {
		cls = 'text-bg-danger';
		key = `fleet.cfg_${st}`;
	}
	return el('span', { class: `badge ${cls} fleet-cfg`, dataset: { state: st || '' } }, t(key));
}

function applianceRow(a) {
	const cf = a.config || {};
	const refused = REFUSED.includes(cf.state);
	return el('tr', { class: a.silent ? 'fleet-silent' : '', dataset: { id: a.id } },
		el('td', { class: 'fleet-id' }, wire(a.id)),
		el('td', {}, wire(a.site)),
		el('td', { class: 'fleet-group' }, wire(a.group)),
		el('td', {}, wire(a.firmware)),
		el('td', { class: 'fleet-age' }, age(a.heartbeat_age),
			a.silent ? el('span', { class: 'badge text-bg-danger ms-1' }, t('fleet.silent')) : null,
			el('div', { class: 'small text-muted' }, fmtTime(a.last_heartbeat))),
		el('td', { class: 'text-end' }, num(a.packets)),
		el('td', { class: 'text-end fleet-drops' }, num(a.drops),
			el('div', { class: 'small text-muted' }, STAGES.map(([k, n]) =>
				`${t(`fleet.stage_${n}`)} ${num(a[k])}`).join(' · '))),
		el('td', { class: 'text-end' }, num(a.spool_depth),
			a.spool_dropped ? el('div', { class: 'small text-danger' },
				t('fleet.spool_lost', { n: num(a.spool_dropped) })) : null),
		el('td', {}, a.spool_depth ? age(a.spool_oldest_age) : '-'),
		el('td', { class: 'fleet-config' },
			el('div', {}, t('fleet.running', { v: num(cf.running) })),
			el('div', { class: 'small' }, t('fleet.pushed', { v: num(cf.pushed) })),
			configState(cf),
			cf.message ? el('div', { class: 'small' + (refused ? ' text-danger' : ' text-muted') },
				wire(cf.message)) : null));
}

export default async function fleet(main) {
	const mayPush = session.role === 'engineer' || session.role === 'admin';
	let doc;
	try {
		doc = await api('GET', '/appliances');
	} catch (e) {
		return errorPage(main, e);
	}
	const tbody = el('tbody', { id: 'fleet-rows' });
	const summary = el('p', { class: 'text-muted mb-2', id: 'fleet-summary' });
	const stamp = el('span', { class: 'small text-muted ms-2', id: 'fleet-updated' });
	const draw = (d) => {
		const apps = d.appliances || [];
		clear(tbody).append(...apps.map(applianceRow));
		summary.textContent = t('fleet.summary', { n: apps.length,
			silent: apps.filter((a) => a.silent).length, after: num(d.silent_after) });
		stamp.textContent = t('fleet.updated', { at: fmtTime(Math.floor(Date.now() / 1000)) });
		return apps;
	};
	let apps = draw(doc);

	let push = null;
	const watch = el('div', { id: 'fleet-watch', class: 'mt-2' });
	if (mayPush) {
		const groups = new Set(['default', ...apps.map((a) => a.group).filter((g) => GROUP_RE.test(g || ''))]);
		const group = el('select', { class: 'form-select form-select-sm w-auto', id: 'fleet-group',
			'aria-label': t('fleet.group') }, [...groups].sort().map((g) => el('option', { value: g }, g)));
		const body = el('textarea', { class: 'form-control font-monospace', id: 'fleet-body',
			rows: 8, spellcheck: 'false', maxlength: 65000, 'aria-label': t('fleet.body') });
		const current = el('div', { class: 'small text-muted', id: 'fleet-current' });
		const loadGroup = async () => {
			try {
				const c = await api('GET', `/config/${encodeURIComponent(group.value)}`);
				body.value = c.body || '';
				current.textContent = c.version ? t('fleet.current', { v: num(c.version),
					at: fmtTime(c.created), by: c.by || '-' }) : t('fleet.no_config');
			} catch (e) {
				body.value = '';
				current.textContent = e instanceof ApiError && e.status === 404 ?
					t('fleet.no_config') : e.message;
			}
		};
		group.addEventListener('change', loadGroup);
		const send = el('button', { type: 'button', class: 'btn btn-primary btn-sm', id: 'fleet-push' },
			t('fleet.push'));
		send.addEventListener('click', async () => {
			const g = group.value;
			if (await confirmNote(t('fleet.confirm_push', { group: g }), { note: false,
				ok: t('fleet.push') }) === null)
				return;
			try {
				const r = await api('PUT', `/config/${encodeURIComponent(g)}`, { body: body.value });
				watching = { group: g, version: Number(r.version), at: Date.now() };
				toast(t('fleet.pushed_ok', { group: g, v: num(r.version) }));
				await loadGroup();
				await poll();
			} catch (e) {
				toast(`${t('fleet.push_failed')}: ${e.message}`, 'danger');
			}
		});
		push = el('section', { class: 'card card-body mt-3', id: 'fleet-push-box' },
			el('h5', {}, t('fleet.push_title')),
			el('div', { class: 'd-flex align-items-center gap-2 mb-2' },
				el('label', { for: 'fleet-group' }, t('fleet.group')), group, current),
			body,
			el('div', { class: 'mt-2' }, send),
			watch);
		await loadGroup();
	}

	// The push being watched: each appliance of its group and its answer.
	let watching = null;
	const answered = (a) => a.config && a.config.pushed === watching.version &&
		a.config.state !== 'pushed, no answer' && a.config.state !== 'not pushed';
	const drawWatch = () => {
		if (watching === null)
			return;
		const mine = apps.filter((a) => a.group === watching.group);
		const acked = mine.filter(answered);
		clear(watch).append(el('div', { class: 'alert alert-info py-2 mb-0' },
			el('div', { id: 'fleet-watch-title' }, t('fleet.watch', { group: watching.group,
				v: num(watching.version), n: acked.length, of: mine.length })),
			el('ul', { class: 'mb-0' }, mine.map((a) => el('li', { dataset: { id: a.id } },
				wire(a.id), ' ', a.config && a.config.pushed === watching.version ?
					configState(a.config) : el('span', { class: 'badge text-bg-warning fleet-cfg' },
						t('fleet.cfg_waiting')))))));
	};

	// firmware rollouts: engineer, admin, supervisor (read)
	const fw = firmwareSection(() => [...new Set(['default', ...apps.map((a) => a.group)
		.filter((g) => GROUP_RE.test(g || ''))])].sort());
	let fwAt = 0;
	const fwRefresh = async () => {
		fwAt = Date.now();
		await fw.refresh();
	};
	if (fw !== null)
		await fwRefresh();

	let stopped = false, timer = null;
	// fast while the watched push still waits for an ack
	const delay = () => {
		if (watching === null || Date.now() - watching.at > WATCH_MS)
			return IDLE_POLL_MS;
		return apps.filter((a) => a.group === watching.group).every(answered) ?
			IDLE_POLL_MS : POLL_MS;
	};
	const poll = async () => {
		clearTimeout(timer);
		try {
			apps = draw(await api('GET', '/appliances'));
			drawWatch();
			// not at the push watch's 1.5 s: each GET is an audit row
			if (fw !== null && fw.active() && Date.now() - fwAt >= IDLE_POLL_MS - 500)
				await fwRefresh();
		} catch (e) {
			stamp.textContent = t('fleet.poll_failed', { why: e.message });
		}
		if (!stopped)
			timer = setTimeout(poll, delay());
	};

	clear(main).append(
		el('h3', {}, t('fleet.title')),
		el('div', { class: 'd-flex align-items-baseline' }, summary, stamp),
		el('div', { class: 'table-responsive' },
			el('table', { class: 'table table-sm align-middle', id: 'fleet-table' },
				el('thead', {}, el('tr', {}, [t('fleet.id'), t('fleet.site'), t('fleet.group'),
					t('fleet.firmware'), t('fleet.heartbeat'), t('fleet.packets'), t('fleet.drops'),
					t('fleet.spool'), t('fleet.oldest'), t('fleet.config')].map((h) => el('th', {}, h)))),
				tbody)));
	if (push !== null)
		main.append(push);
	if (fw !== null)
		main.append(fw.node);
	timer = setTimeout(poll, delay());
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
