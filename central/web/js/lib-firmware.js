// SPDX-License-Identifier: BSD-2-Clause
// Firmware rollouts, as a section of the fleet page (#/fleet; docs/console.md,
// docs/deployment.md "Firmware rollouts"): the stored bundles and every rollout
// with its members (GET /api/v1/firmware, engineer, supervisor and admin). An
// engineer or admin also starts a rollout (POST /api/v1/firmware/rollouts) and
// halts an active one (POST /api/v1/firmware/halt), with the CSRF token as every
// form; a refusal shows the API's message. Appliance ids, labels, reasons and
// members' messages come from the wire: text through wire(), never markup.
import { api, ApiError, clear, confirmNote, el, fmtTime, session, t, toast, wire }
	from './core.js';

const PHASES = { canary: 'text-bg-info', rest: 'text-bg-primary', done: 'text-bg-success',
	halted: 'text-bg-danger' };
const STATES = { waiting: 'text-bg-secondary', offered: 'text-bg-info',
	installed: 'text-bg-primary', running: 'text-bg-primary', healthy: 'text-bg-success',
	failed: 'text-bg-danger' };
const VERSION_RE = /^[A-Za-z0-9._+~-]{1,63}$/;

function num(v) {
	return v === null || v === undefined ? '-' : String(Number(v));
}

function fmtSize(n) {
	n = Number(n) || 0;
	if (n < 1024)
		return `${n} B`;
	if (n < 1024 * 1024)
		return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// "goipwatch-test 1.2.3" -> ["goipwatch-test", "1.2.3"] (the manifest's compatible
// and version, as central labels a bundle).
function splitLabel(label) {
	const s = String(label || '');
	const i = s.lastIndexOf(' ');
	return i < 0 ? ['', s] : [s.slice(0, i), s.slice(i + 1)];
}

// A badge whose class comes from a fixed table, never from the wire; the
// key is looked up only for a known value, else the value shows as text.
function badge(table, prefix, v, cls) {
	const known = Object.prototype.hasOwnProperty.call(table, v);
	return el('span', { class: `badge ${known ? table[v] : 'text-bg-secondary'} ${cls}`,
		dataset: { state: known ? v : '' } }, known ? t(`${prefix}.${v}`) : wire(v));
}

function bundleRow(f) {
	const [compat, version] = splitLabel(f.label);
	return el('tr', { dataset: { version: num(f.version) } },
		el('td', { class: 'fw-version' }, wire(version)),
		el('td', {}, wire(f.group)),
		el('td', { class: 'text-end', title: `${num(f.size)} B` }, fmtSize(f.size)),
		el('td', {}, wire(compat)),
		el('td', { class: 'small text-muted' }, num(f.version)),
		el('td', { class: 'small' }, fmtTime(f.created), ' · ', wire(f.created_by)));
}

function memberRow(m) {
	return el('tr', { class: 'fw-member', dataset: { state: String(m.state || '') } },
		el('td', { class: 'fw-appliance' }, wire(m.appliance)),
		el('td', {}, t(m.canary ? 'fw.canary' : 'fw.rest')),
		el('td', {}, badge(STATES, 'fw.state', m.state, 'fw-state')),
		el('td', { class: 'small' }, fmtTime(m.state_at)),
		el('td', { class: 'fw-message small' + (m.state === 'failed' ? ' text-danger' : '') },
			m.message === null || m.message === undefined ? '-' : wire(m.message)));
}

function rolloutCard(r, halt) {
	const active = r.ended === null || r.ended === undefined;
	return el('div', { class: 'card mb-2 fw-rollout', dataset: { id: num(r.id),
		phase: String(r.phase || ''), active: active ? '1' : '0' } },
	el('div', { class: 'card-header d-flex flex-wrap align-items-center gap-2' },
		el('strong', {}, t('fw.rollout', { id: num(r.id) })),
		el('span', {}, t('fw.group'), ' ', wire(r.group)),
		el('span', {}, t('fw.version'), ' ', wire(r.firmware)),
		badge(PHASES, 'fw.phase', r.phase, 'fw-phase'),
		// a halt ends the phase without moving phase_at: an ended rollout's since is its end
		el('span', { class: 'small text-muted fw-since' }, t('fw.since', { at: fmtTime(active ?
			r.phase_at : r.ended || r.phase_at) })),
		el('span', { class: 'small' }, t('fw.canaries_n', { n: num(r.canaries) })),
		el('span', { class: 'small' }, t('fw.window_s', { s: num(r.window) })),
		r.allow_downgrade ? el('span', { class: 'badge text-bg-warning' }, t('fw.downgrade')) :
			null,
		active && halt ? el('button', { type: 'button', class: 'btn btn-outline-danger btn-sm ms-auto fw-halt',
			onclick: () => halt(r) }, t('fw.halt')) : null),
	el('div', { class: 'card-body py-2' },
		r.reason === null || r.reason === undefined ? null :
			el('div', { class: 'fw-reason small text-danger mb-1' }, t('fw.reason'), ' ', wire(r.reason)),
		el('div', { class: 'small text-muted mb-1' }, t('fw.started', { at: fmtTime(r.created) }),
			' ', wire(r.created_by), active ? '' : ` · ${t('fw.ended', { at: fmtTime(r.ended) })}`),
		el('table', { class: 'table table-sm mb-0' },
			el('thead', {}, el('tr', {}, [t('fw.appliance'), t('fw.role'), t('fw.state'),
				t('fw.state_at'), t('fw.message')].map((h) => el('th', {}, h)))),
			el('tbody', {}, (r.members || []).map(memberRow)))));
}

// The section for the fleet page; groups() lists the appliance groups for the form.
// Returns null for a role that may not read rollouts, else { node, refresh(), active() }:
// refresh() fetches GET /firmware (one audit row) and redraws; active() says
// whether the last answer had a rollout still running (the page polls then).
export function firmwareSection(groups) {
	const role = session.role;
	if (!['engineer', 'admin', 'supervisor'].includes(role))
		return null;
	const mayStart = role === 'engineer' || role === 'admin';
	const bundles = el('tbody', { id: 'fw-bundles' });
	const rollouts = el('div', { id: 'fw-rollouts' });
	const stamp = el('span', { class: 'small text-muted ms-2', id: 'fw-updated' });
	const errBox = el('div', { id: 'fw-error', class: 'alert alert-danger py-1 px-2 mt-2',
		hidden: true });
	let doc = { firmware: [], rollouts: [] };
	let hidden = false;

	const node = el('section', { class: 'card card-body mt-3', id: 'fw-box' },
		el('div', { class: 'd-flex align-items-baseline' }, el('h5', {}, t('fw.title')), stamp),
		el('h6', { class: 'mt-2' }, t('fw.bundles')),
		el('div', { class: 'table-responsive' },
			el('table', { class: 'table table-sm align-middle', id: 'fw-bundle-table' },
				el('thead', {}, el('tr', {}, [t('fw.version'), t('fw.group'), t('fw.size'),
					t('fw.compatible'), t('fw.stored_as'), t('fw.stored')].map((h) =>
					el('th', {}, h)))),
				bundles)));

	const showError = (msg) => {
		errBox.textContent = msg;
		errBox.hidden = false;
	};

	const halt = async (r) => {
		if (await confirmNote(t('fw.confirm_halt', { v: r.firmware, group: r.group }),
			{ note: false, ok: t('fw.halt') }) === null)
			return;
		errBox.hidden = true;
		try {
			await api('POST', '/firmware/halt', { firmware: String(r.firmware),
				group: String(r.group) });
			toast(t('fw.halted_ok', { v: r.firmware, group: r.group }));
		} catch (e) {
			showError(`${t('fw.halt_failed')}: ${e.message}`);
		}
		await refresh();
	};

	let form = null;
	if (mayStart) {
		const version = el('select', { class: 'form-select form-select-sm w-auto', id: 'fw-version',
			'aria-label': t('fw.version') });
		const group = el('select', { class: 'form-select form-select-sm w-auto', id: 'fw-group',
			'aria-label': t('fw.group') });
		const canaries = el('input', { type: 'number', class: 'form-control form-control-sm',
			id: 'fw-canaries', min: 1, max: 100000, value: 1 });
		const win = el('input', { type: 'number', class: 'form-control form-control-sm',
			id: 'fw-window', min: 1, max: 2592000, value: 3600 });
		const down = el('input', { type: 'checkbox', class: 'form-check-input', id: 'fw-downgrade' });
		const start = el('button', { type: 'button', class: 'btn btn-primary btn-sm', id: 'fw-start' },
			t('fw.start'));
		start.addEventListener('click', async () => {
			const body = { firmware: version.value, group: group.value,
				canaries: Number(canaries.value), window: Number(win.value),
				allow_downgrade: down.checked ? 1 : 0 };
			errBox.hidden = true;
			if (!body.firmware) {
				showError(t('fw.no_bundle'));
				return;
			}
			if (await confirmNote(t('fw.confirm_start', { v: body.firmware, group: body.group,
				n: body.canaries }), { note: false, ok: t('fw.start') }) === null)
				return;
			try {
				const r = await api('POST', '/firmware/rollouts', body);
				toast(t('fw.started_ok', { id: num(r.id), v: body.firmware, group: body.group }));
			} catch (e) {
				showError(`${t('fw.start_failed')}: ${e.message}`);
			}
			await refresh();
		});
		const opt = (sel, values) => {
			const keep = sel.value;
			clear(sel).append(...values.map((v) => el('option', { value: v }, v)));
			if (values.includes(keep))
				sel.value = keep;
		};
		form = {
			node: el('div', { class: 'border rounded p-2 mb-2', id: 'fw-form' },
				el('h6', {}, t('fw.start_title')),
				el('div', { class: 'd-flex flex-wrap align-items-center gap-2' },
					el('label', { for: 'fw-version' }, t('fw.version')), version,
					el('label', { for: 'fw-group' }, t('fw.group')), group,
					el('label', { for: 'fw-canaries' }, t('fw.canaries')), canaries,
					el('label', { for: 'fw-window' }, t('fw.window')), win,
					el('div', { class: 'form-check' }, down,
						el('label', { class: 'form-check-label', for: 'fw-downgrade' },
							t('fw.allow_downgrade'))),
					start)),
			// versions of the stored bundles (only those a request can name), groups of the fleet
			fill: () => {
				opt(version, [...new Set(doc.firmware.map((f) => splitLabel(f.label)[1])
					.filter((v) => VERSION_RE.test(v)))].sort());
				opt(group, groups());
			},
		};
	}
	node.append(el('h6', { class: 'mt-2' }, t('fw.rollouts')), form ? form.node : null, errBox,
		rollouts);

	const draw = () => {
		clear(bundles).append(...doc.firmware.map(bundleRow));
		if (doc.firmware.length === 0)
			bundles.append(el('tr', {}, el('td', { colspan: 6, class: 'text-muted' },
				t('fw.no_bundles'))));
		// newest first on screen (the API sends the oldest first)
		const rs = [...doc.rollouts].reverse();
		clear(rollouts).append(...rs.map((r) => rolloutCard(r, mayStart ? halt : null)));
		if (rs.length === 0)
			rollouts.append(el('p', { class: 'text-muted mb-0' }, t('fw.no_rollouts')));
		if (form)
			form.fill();
		stamp.textContent = t('fleet.updated', { at: fmtTime(Math.floor(Date.now() / 1000)) });
	};

	async function refresh() {
		if (hidden)
			return;
		try {
			const d = await api('GET', '/firmware');
			doc = { firmware: d.firmware || [], rollouts: d.rollouts || [] };
			draw();
		} catch (e) {
			if (e instanceof ApiError && e.status === 403) {
				// not this role's: no section rather than a broken one
				hidden = true;
				node.hidden = true;
				node.remove();
				return;
			}
			stamp.textContent = t('fleet.poll_failed', { why: e.message });
		}
	}

	return {
		node,
		refresh,
		active: () => !hidden && doc.rollouts.some((r) => r.ended === null ||
			r.ended === undefined),
	};
}
