// SPDX-License-Identifier: BSD-2-Clause
// Times typed by a person in the office's time zone (session.tz), for the
// forms of the card-cutting and administration pages: the value of an
// <input type="datetime-local"> to epoch seconds and back. fmtTime (core.js)
// shows times; this reads them.
import { session } from './core.js';

// The parts of EPOCH's wall-clock time in the office, as a UTC epoch.
function wallAsUtc(epoch) {
	const f = new Intl.DateTimeFormat('en-US', {
		timeZone: session.tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
		day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
	});
	const p = {};
	for (const x of f.formatToParts(new Date(epoch * 1000)))
		p[x.type] = Number(x.value);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) / 1000;
}

// "2026-12-02T15:40" (office time) to epoch seconds; null when empty or not a time.
export function officeEpoch(value) {
	const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(value || '');
	if (!m)
		return null;
	const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) / 1000;
	let e = guess - (wallAsUtc(guess) - guess);
	e = guess - (wallAsUtc(e) - e);	// again, across a change of offset
	return Number.isFinite(e) ? e : null;
}

// Epoch seconds as a datetime-local value in office time.
export function officeInput(epoch) {
	const w = new Date(wallAsUtc(epoch) * 1000).toISOString();
	return w.slice(0, 16);
}

// An RFC 3339 time from the API ("2026-12-02T15:40:00Z") as epoch seconds, or null.
export function rfc3339(s) {
	if (typeof s !== 'string')
		return null;
	const ms = Date.parse(s);
	return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}
