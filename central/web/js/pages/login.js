// SPDX-License-Identifier: BSD-2-Clause
// The login page: user and password (POST /api/v1/login), or the browser's
// client certificate where the office issued one (POST /api/v1/login/cert).
import { api, currentLang, el, LANGS, loadMessages, t, wire } from '../core.js';
import { restart } from '../app.js';

export default async function login(main) {
	const msg = el('div', { class: 'text-danger mb-2', id: 'login-error', role: 'alert' });
	const user = el('input', { class: 'form-control', id: 'login-user', name: 'user',
		autocomplete: 'username', required: true, maxlength: 32 });
	const pass = el('input', { class: 'form-control', id: 'login-password', name: 'password',
		type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 });
	const done = async (what) => {
		try {
			await what();
			const after = sessionStorage.getItem('gw.after');
			sessionStorage.removeItem('gw.after');
			await restart(after && after !== '#/login' ? after : '#/');
		} catch (e) {
			msg.replaceChildren(e.status === 429 ? t('login.throttled') :
				e.status === 401 ? t('login.refused') : wire(e.message));
		}
	};
	const form = el('form', { class: 'card card-body mx-auto mt-5', id: 'login-form',
		onsubmit: (ev) => {
			ev.preventDefault();
			done(() => api('POST', '/login', { user: user.value, password: pass.value }));
		} },
	el('h3', { class: 'mb-3' }, t('app.title')),
	el('label', { class: 'form-label', for: 'login-user' }, t('login.user')), user,
	el('label', { class: 'form-label mt-2', for: 'login-password' }, t('login.password')), pass,
	el('div', { class: 'mt-3' }, msg),
	el('button', { class: 'btn btn-primary w-100', type: 'submit', id: 'login-submit' },
		t('login.submit')),
	el('button', { class: 'btn btn-link w-100 mt-1', type: 'button', id: 'login-cert',
		onclick: () => done(() => api('POST', '/login/cert')) }, t('login.cert')),
	el('button', { class: 'btn btn-sm btn-outline-secondary mt-3', type: 'button',
		id: 'login-lang', onclick: async () => {
			await loadMessages(LANGS[(LANGS.indexOf(currentLang()) + 1) % LANGS.length]);
			main.replaceChildren();
			await login(main);
		} }, t('nav.other_lang')));
	form.classList.add('login-box');
	main.replaceChildren(form);
	user.focus();
}
