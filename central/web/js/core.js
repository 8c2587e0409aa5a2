// SPDX-License-Identifier: BSD-2-Clause
// The console's core, shared by every page (docs/console.md): API calls with the
// CSRF token, the message catalogue, a DOM builder that never parses markup,
// wire strings shown with visible escapes, the office's time zone, countdowns,
// the live lead stream, the confirm dialog and the error page.

export const session = { user: null, role: null, carrier: null, csrf: null,
	tz: 'Asia/Shanghai' };

// ---- messages ----------------------------------------------------------
export const LANGS = ['zh-CN', 'en'];
let messages = {};
let lang = LANGS.includes(localStorage.getItem('gw.lang')) ?
	localStorage.getItem('gw.lang') : 'zh-CN';

export function currentLang() { return lang; }

export async function loadMessages(l) {
	const r = await fetch(`/i18n/${l}.json`);
	if (!r.ok)
		throw new Error(`message catalogue ${l}: ${r.status}`);
	messages = await r.json();
	lang = l;
	localStorage.setItem('gw.lang', l);
	document.documentElement.lang = l;
}

// The message KEY, with {name} replaced from vars. A missing key shows as
// itself and is reported (the browser tests fail on it).
export function t(key, vars) {
	let s = messages[key];
	if (typeof s !== 'string') {
		console.error(`missing message key: ${key}`);
		s = key;
	}
	if (vars)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	return s;
}

// ---- DOM ---------------------------------------------------------------
// el('a', {href: '#/x', class: 'btn', onclick: fn}, child...): children that
// are not nodes become text, so a string from the wire is never markup.
// Never put a wire string in href or src: build those from ids.
export function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			e.addEventListener(k.slice(2), v);
		else if (k === 'class')
			e.className = v;
		else if (k === 'text')
			e.textContent = v;
		else if (k === 'dataset')
			Object.assign(e.dataset, v);
		else
			e.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of kids.flat(Infinity)) {
		if (c === null || c === undefined || c === false)
			continue;
		e.append(c instanceof Node ? c : String(c));
	}
	return e;
}

// A classic (UMD) script of a library, loaded once; resolves when window[global]
// is there (the CSP allows 'self' scripts; no inline script).
const scripts = new Map();
export function loadScript(src, global) {
	if (window[global])
		return Promise.resolve();
	if (!scripts.has(src))
		scripts.set(src, new Promise((resolve, reject) => {
			const s = el('script', { src });
			s.addEventListener('load', resolve);
			s.addEventListener('error', () => {
				scripts.delete(src);	// another page may try again
				reject(new Error(src));
			});
			document.head.append(s);
		}));
	return scripts.get(src);
}

// What a gang may put in a field, shown as visible escapes, as the CLI's
// utf8_escape_tty does: C0, DEL and C1 controls as \xHH / \u00HH, bidi and
// zero-width characters as \uHHHH, a backslash doubled. The result is text.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\\]/g;
export function escapeWire(s) {
	if (s === null || s === undefined)
		return '';
	return String(s).replace(HIDDEN, (c) => {
		const n = c.charCodeAt(0);
		if (c === '\\')
			return '\\\\';
		if (n < 0x80)
			return '\\x' + n.toString(16).padStart(2, '0');
		return '\\u' + n.toString(16).padStart(4, '0');
	});
}

// A wire string as an inert, monospaced span; "-" when empty.
export function wire(s) {
	const v = escapeWire(s);
	return el('span', { class: 'wire' }, v === '' ? '-' : v);
}

export function clear(node) {
	while (node.firstChild)
		node.removeChild(node.firstChild);
	return node;
}

// ---- API ---------------------------------------------------------------
export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

// JSON from /api/v1PATH; throws ApiError with the server's message. A 401
// sends the page to the login and comes back after it.
export async function api(method, path, body) {
	const headers = {};
	if (method !== 'GET') {
		headers['Content-Type'] = 'application/json';
		if (session.csrf)
			headers['X-CSRF-Token'] = session.csrf;
	}
	const r = await fetch('/api/v1' + path, {
		method, headers, credentials: 'same-origin',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const type = r.headers.get('Content-Type') || '';
	const data = type.startsWith('application/json') ?
		await r.json().catch(() => null) : await r.text();
	if (r.status === 401 && path !== '/login' && path !== '/me') {
		session.user = null;
		if (!location.hash.startsWith('#/login'))
			sessionStorage.setItem('gw.after', location.hash);
		location.hash = '#/login';
	}
	if (!r.ok)
		throw new ApiError(r.status, (data && data.error) || r.statusText);
	return data;
}

// A query string from an object, leaving out empty values.
export function qs(o) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(o))
		if (v !== undefined && v !== null && v !== '' && v !== false)
			p.set(k, String(v));
	const s = p.toString();
	return s ? '?' + s : '';
}

// ---- roles -------------------------------------------------------------
// What the nav offers each role; the server checks every route whatever the nav shows.
export const ROLE_PAGES = {
	admin: ['queue', 'rings', 'cards', 'fleet', 'stats', 'admin'],
	supervisor: ['queue', 'rings', 'cards', 'fleet', 'stats', 'admin'],
	analyst: ['queue', 'rings', 'cards'],
	carrier: ['cards'],
	engineer: ['fleet'],
};

export function can(page) {
	return (ROLE_PAGES[session.role] || []).includes(page);
}

export function homePage() {
	return (ROLE_PAGES[session.role] || ['login'])[0];
}

// ---- time --------------------------------------------------------------
// An absolute time in the office's time zone: 2026-12-02 18:40:05.
export function fmtTime(epoch) {
	if (epoch === null || epoch === undefined || epoch === 0)
		return '-';
	const f = new Intl.DateTimeFormat('sv-SE', {
		timeZone: session.tz, year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
	});
	return f.format(new Date(epoch * 1000));
}

export function nowSecs() {
	return Math.floor(Date.now() / 1000);
}

// Time left to a deadline as H:MM:SS, negative once it has passed.
export function fmtLeft(deadline, now = nowSecs()) {
	let s = deadline - now;
	const sign = s < 0 ? '-' : '';
	s = Math.abs(s);
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
	return `${sign}${h}:${String(m).padStart(2, '0')}:${String(x).padStart(2, '0')}`;
}

// A live countdown to deadline; one timer ticks them all.
export function countdown(deadline) {
	const e = el('span', { class: 'countdown', dataset: { deadline: String(deadline) } });
	tickOne(e, nowSecs());
	return e;
}

function tickOne(e, now) {
	const d = Number(e.dataset.deadline);
	e.textContent = fmtLeft(d, now);
	e.classList.toggle('late', d < now);
	e.title = d < now ? t('time.overdue') : t('time.left');
}

setInterval(() => {
	const now = nowSecs();
	for (const e of document.querySelectorAll('[data-deadline]'))
		tickOne(e, now);
}, 1000);

// A tier as a badge.
export function tierBadge(tier) {
	return el('span', { class: `badge tier-${tier}` }, t(`tier.${tier}`));
}

// ---- live lead changes -------------------------------------------------
// fn(change) for each event of /api/v1/events (docs/api.md: id, kind, tier,
// status, deadline); returns the function that stops listening. One stream
// is shared by every listener and reconnects by itself (EventSource).
const listeners = new Set();
let stream = null;

export function onLeadChange(fn) {
	listeners.add(fn);
	if (stream === null) {
		stream = new EventSource('/api/v1/events');
		stream.addEventListener('lead', (ev) => {
			let d;
			try {
				d = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			for (const f of [...listeners])
				f(d);
		});
	}
	return () => listeners.delete(fn);
}

export function closeStream() {
	if (stream !== null)
		stream.close();
	stream = null;
	listeners.clear();
}

// ---- sound -------------------------------------------------------------
let audio = null;

export function isMuted() {
	return localStorage.getItem('gw.mute') === '1';
}

export function setMuted(m) {
	localStorage.setItem('gw.mute', m ? '1' : '0');
}

// A short tone (Web Audio: no media file, nothing for the CSP to refuse);
// document.body.dataset.beeps counts them for the tests.
export function beep() {
	if (isMuted())
		return;
	document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
	try {
		audio = audio || new AudioContext();
		const o = audio.createOscillator(), g = audio.createGain();
		o.frequency.value = 880;
		g.gain.value = 0.2;
		o.connect(g).connect(audio.destination);
		o.start();
		o.stop(audio.currentTime + 0.4);
	} catch (e) {
		// no audio device: the banner still shows
	}
}

// ---- dialogs and errors ------------------------------------------------
// Asks to confirm TEXT; resolves to the note typed (note: 'required' makes it
// required, false hides it), or null when cancelled.
export function confirmNote(text, { note = 'required', ok = t('action.confirm') } = {}) {
	const d = document.getElementById('confirm');
	const area = document.getElementById('confirm-note');
	document.getElementById('confirm-text').textContent = text;
	clear(document.getElementById('confirm-body'));
	area.value = '';
	area.hidden = note === false;
	area.required = note === 'required';
	area.placeholder = t('dialog.note');
	document.getElementById('confirm-ok').textContent = ok;
	document.getElementById('confirm-cancel').textContent = t('action.cancel');
	return new Promise((resolve) => {
		d.addEventListener('close', () => {
			resolve(d.returnValue === 'ok' ? area.value : null);
		}, { once: true });
		d.returnValue = '';
		d.showModal();
		(note === false ? document.getElementById('confirm-ok') : area).focus();
	});
}

// The page for an error: a clear sentence for the status, the server's words below.
export function errorPage(main, err) {
	const status = err instanceof ApiError ? err.status : 0;
	const key = { 403: 'error.forbidden', 404: 'error.notfound', 409: 'error.conflict' }[status] ||
		'error.other';
	clear(main).append(el('div', { class: 'page-error alert alert-warning', id: 'page-error',
		dataset: { status: String(status) } },
	el('h4', {}, t(key)),
	el('p', { class: 'mb-0 small' }, status ? `HTTP ${status}: ` : '', wire(err.message))));
}

// A short message at the top of the page.
export function toast(text, kind = 'success') {
	const b = el('div', { class: `alert alert-${kind} py-1 px-2 mb-2 toast-msg` }, text);
	const main = document.getElementById('main');
	main.prepend(b);
	setTimeout(() => b.remove(), 4000);
}
