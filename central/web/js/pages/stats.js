// SPDX-License-Identifier: BSD-2-Clause
// The statistics page (#/stats?period=day|week|month; supervisor, admin): the
// figures of GET /api/v1/stats as Chart.js charts (Debian's libjs-chart.js, a
// UMD script loaded on demand), each with its numbers in a table underneath:
// leads by tier, feedback in time (the 2/24/48 h deadlines), SIMs cut, rings,
// and false positives by detector.
import { api, clear, el, errorPage, escapeWire, loadScript, qs, t, wire } from '../core.js';

const PERIODS = ['day', 'week', 'month'];
const TIERS = ['urgent', 'high', 'general', 'none'];
const TIER_COLOUR = { urgent: '#b02a37', high: '#ffc107', general: '#6c757d', none: '#adb5bd' };


// A bucket's start ("2026-11-30T00:00:00Z") as its day, or its month.
function bucketLabel(start, period) {
	const s = String(start || '');
	return period === 'month' ? s.slice(0, 7) : s.slice(0, 10);
}

function num(v) {
	return v === null || v === undefined ? '-' : String(Number(v));
}

// A table: head cells, then rows of cells; ID names it for the tests.
function table(id, head, rows) {
	return el('table', { class: 'table table-sm table-striped small stats-table', id },
		el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
		el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) =>
			i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c))))));
}

// One chart with its caption and table; the chart is made once the page is in
// the document (charts: [canvas, config] pairs).
function section(id, title, config, tbl, charts) {
	const canvas = el('canvas', { id: `stats-chart-${id}`, role: 'img', 'aria-label': title });
	const box = el('section', { class: 'col-xl-6 mb-4 stats-section', id: `stats-${id}` },
		el('h5', {}, title), el('div', { class: 'chart-box' }, canvas), tbl);
	config.options = Object.assign({ animation: false, responsive: true,
		maintainAspectRatio: false }, config.options || {});
	charts.push([canvas, config]);
	return box;
}

function periodNav(period) {
	return el('div', { class: 'btn-group btn-group-sm mb-3', role: 'group', id: 'stats-period',
		'aria-label': t('stats.period') }, PERIODS.map((p) => el('a', {
		class: 'btn ' + (p === period ? 'btn-primary active' : 'btn-outline-primary'),
		href: `#/stats${qs({ period: p })}`, id: `stats-period-${p}`,
		'aria-current': p === period ? 'page' : null,
	}, t(`stats.period.${p}`))));
}

function sections(d, period, charts) {
	const b = d.buckets || [];
	const labels = b.map((x) => bucketLabel(x.start, period));
	const bar = (label, data, colour) => ({ label, data, backgroundColor: colour });
	const out = [];
	out.push(section('tier', t('stats.leads_by_tier'), {
		type: 'bar', data: { labels, datasets: TIERS.map((k) => bar(t(`stats.tier.${k}`),
			b.map((x) => Number((x.tier || {})[k] || 0)), TIER_COLOUR[k])) },
		options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
	}, table('stats-table-tier', [t('stats.bucket'), ...TIERS.map((k) => t(`stats.tier.${k}`)),
		t('stats.leads')], b.map((x, i) => [labels[i], ...TIERS.map((k) =>
		num((x.tier || {})[k])), num(x.leads)])), charts));
	out.push(section('in-time', t('stats.in_time'), {
		type: 'line', data: { labels, datasets: [{ label: t('stats.in_time_pct'),
			data: b.map((x) => (x.in_time_pct === null ? null : Number(x.in_time_pct))),
			borderColor: '#198754', backgroundColor: '#198754', spanGaps: true }] },
		options: { scales: { y: { beginAtZero: true, max: 100 } } },
	}, table('stats-table-in-time', [t('stats.bucket'), t('stats.due'), t('stats.in_time_n'),
		t('stats.in_time_pct')], b.map((x, i) => [labels[i], num(x.due), num(x.in_time),
		x.in_time_pct === null ? '-' : `${num(x.in_time_pct)}%`])), charts));
	out.push(section('sims', t('stats.sims_cut'), {
		type: 'bar', data: { labels, datasets: [bar(t('stats.sims_cut'),
			b.map((x) => Number(x.sims_cut || 0)), '#6f42c1'), bar(t('stats.sims'),
			b.map((x) => Number(x.sims || 0)), '#c5b3e6')] },
		options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
	}, table('stats-table-sims', [t('stats.bucket'), t('stats.sims'), t('stats.sims_cut')],
		b.map((x, i) => [labels[i], num(x.sims), num(x.sims_cut)])), charts));
	out.push(section('rings', t('stats.rings'), {
		type: 'bar', data: { labels, datasets: [bar(t('stats.rings'),
			b.map((x) => Number(x.rings || 0)), '#0d6efd')] },
		options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
	}, table('stats-table-rings', [t('stats.bucket'), t('stats.rings')],
		b.map((x, i) => [labels[i], num(x.rings)])), charts));
	const fp = ((d.false_positives || {}).by_detector || []);
	out.push(section('fp', t('stats.fp_by_detector'), {
		type: 'bar', data: { labels: fp.map((x) => escapeWire(x.name)), datasets: [
			bar(t('stats.fp_leads'), fp.map((x) => Number(x.leads || 0)), '#dc3545')] },
		options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
	}, table('stats-table-fp', [t('stats.detector'), t('stats.fp_leads')],
		fp.map((x) => [wire(x.name), num(x.leads)])), charts));
	return out;
}

export default async function stats(main, route) {
	const p = route.query.get('period');
	const period = PERIODS.includes(p) ? p : 'day';
	let d;
	try {
		[d] = await Promise.all([api('GET', '/stats' + qs({ period })),
			loadScript('/lib/chart.js/chart.min.js', 'Chart')]);
	} catch (e) {
		return errorPage(main, e);
	}
	const pending = [];
	const row = el('div', { class: 'row', id: 'stats-charts' });
	clear(main).append(el('h4', {}, t('stats.title')), periodNav(period),
		el('p', { class: 'small text-muted' }, t('stats.note')), row);
	if ((d.buckets || []).length === 0)
		row.before(el('p', { class: 'text-muted', id: 'stats-empty' }, t('stats.empty')));
	row.append(...sections(d, period, pending));
	const charts = pending.map(([canvas, config]) => new window.Chart(canvas, config));
	return () => charts.forEach((c) => c.destroy());
}
