// SPDX-License-Identifier: BSD-2-Clause
// The console's shell: who is logged in, the nav for the role, the hash router
// (#/PAGE/ARG...?QUERY) that loads js/pages/PAGE.js, and the urgent-lead banner.
// A page module exports default async (main, route) and may return a function
// that runs when the user leaves the page.
import {
	api, beep, can, clear, closeStream, currentLang, el, errorPage, homePage,
	isMuted, LANGS, loadMessages, onLeadChange, session, setMuted, t,
} from './core.js';

const PAGES = ['login', 'queue', 'lead', 'rings', 'cards', 'fleet', 'stats', 'admin'];
const NAV = ['queue', 'rings', 'cards', 'fleet', 'stats', 'admin'];
let leave = null;
let stopBanner = null;

function parseHash() {
	const h = location.hash.replace(/^#\/?/, '');
	const q = h.indexOf('?');
	const path = q < 0 ? h : h.slice(0, q);
	const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
	return {
		page: parts[0] || '',
		args: parts.slice(1),
		query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)),
	};
}

// Who is logged in (GET /me), or nobody.
export async function loadSession() {
	try {
		const me = await api('GET', '/me');
		Object.assign(session, { user: me.user, role: me.role, carrier: me.carrier,
			csrf: me.csrf || null, tz: me.tz || session.tz });
	} catch (e) {
		Object.assign(session, { user: null, role: null, carrier: null, csrf: null });
	}
}

function drawNav() {
	const nav = document.getElementById('nav');
	document.title = t('app.title');
	document.getElementById('brand').textContent = t('app.title');
	document.getElementById('nav-lang').textContent = t('nav.other_lang');
	document.getElementById('nav-logout').textContent = t('nav.logout');
	const mute = document.getElementById('nav-mute');
	mute.textContent = isMuted() ? t('nav.unmute') : t('nav.mute');
	mute.hidden = !can('queue');
	nav.hidden = session.user === null;
	if (session.user === null)
		return;
	const cur = parseHash().page;
	clear(document.getElementById('nav-links')).append(...NAV.filter(can).map((p) =>
		el('li', { class: 'nav-item' }, el('a', {
			class: 'nav-link' + (p === cur ? ' active' : ''), href: `#/${p}`, id: `nav-${p}`,
		}, t(`nav.${p}`)))));
	clear(document.getElementById('nav-user')).append(
		el('span', { id: 'nav-username' }, session.user), ' · ', t(`role.${session.role}`),
		' · ', t('app.tz', { tz: session.tz }));
}

// A new or escalated urgent lead, on any page of a role that sees leads:
// a banner that links to it, and a tone unless muted.
function watchUrgent() {
	if (stopBanner !== null)
		stopBanner();
	stopBanner = null;
	if (!can('queue'))
		return;
	stopBanner = onLeadChange((c) => {
		if (c.tier !== 'urgent' || (c.kind !== 'raised' && c.kind !== 'escalated'))
			return;
		const b = document.getElementById('banner');
		clear(b).append(el('a', { href: `#/lead/${Number(c.id)}`, class: 'alert-link',
			id: 'banner-link' }, t('banner.urgent', { id: Number(c.id) })),
		el('button', { type: 'button', class: 'btn-close float-end', id: 'banner-close',
			'aria-label': t('action.close'), onclick: () => { b.hidden = true; } }));
		b.hidden = false;
		beep();
	});
}

// Each show draws into its own box: when a newer show (another hashchange)
// starts before an older page has loaded, the older one finishes into a box
// that is no longer on the page, and its leave runs at once.
let generation = 0;

async function show() {
	const main = document.getElementById('main');
	const route = parseHash();
	const mine = ++generation;
	if (leave) {
		try {
			leave();
		} catch (e) {
			console.error(e);
		}
		leave = null;
	}
	if (session.user === null && route.page !== 'login') {
		if (route.page !== '')
			sessionStorage.setItem('gw.after', location.hash);
		location.hash = '#/login';
		return;
	}
	if (route.page === '' || (route.page === 'login' && session.user !== null)) {
		location.hash = `#/${homePage()}`;
		return;
	}
	drawNav();
	const box = el('div', { class: 'page-box' });
	clear(main).append(box);
	if (!PAGES.includes(route.page))
		return errorPage(box, { status: 404, message: route.page });
	main.dataset.page = route.page;
	main.dataset.ready = '0';
	let done = null;
	try {
		const mod = await import(`./pages/${route.page}.js`);
		if (mine === generation)
			done = (await mod.default(box, route)) || null;
	} catch (e) {
		if (mine === generation)
			errorPage(box, e);
	}
	if (mine !== generation) {	/* superseded while loading */
		if (done)
			done();
		return;
	}
	leave = done;
	main.dataset.ready = '1';
}

// After a login or a logout: the nav, the stream and the page start again.
export async function restart(hash) {
	closeStream();
	await loadSession();
	watchUrgent();
	if (hash !== undefined && location.hash !== hash)
		location.hash = hash;	// the hashchange shows it
	else
		await show();
}

async function start() {
	await loadMessages(currentLang());
	document.getElementById('nav-lang').addEventListener('click', async () => {
		await loadMessages(LANGS[(LANGS.indexOf(currentLang()) + 1) % LANGS.length]);
		await show();
	});
	document.getElementById('nav-mute').addEventListener('click', () => {
		setMuted(!isMuted());
		drawNav();
	});
	document.getElementById('nav-logout').addEventListener('click', async () => {
		try {
			await api('POST', '/logout');
		} finally {
			await restart('#/login');
		}
	});
	window.addEventListener('hashchange', show);
	await restart();
}

start();
