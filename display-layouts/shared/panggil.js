/*
 * Panggil display client: one global `Panggil` namespace shared by every public page
 * (hall, portrait, counter, phone).
 *
 * Written for old kiosk browsers (Chromium 70 and later): plain script, no modules, no build step,
 * no optional chaining, no nullish coalescing, nothing newer than ES2017.
 *
 * The pure parts (time parsing and formatting, the board reducer, texts) do not touch `document`
 * when the file loads, so they can be required and unit-run in node:
 *
 *     const P = require('./panggil.js');
 *     let s = P.reduce(null, 'snapshot', {...});
 *
 * The browser parts start only when a page calls `Panggil.start('hall' | 'portrait' | 'counter' | 'phone')`;
 * for hall, portrait and counter that first builds the page's markup (see "Screen markup").
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // Constants

  const EVENT_TYPES = [
    'snapshot',
    'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.started', 'ticket.completed',
    'ticket.no_show', 'ticket.requeued', 'ticket.transferred', 'ticket.cancelled',
    'counter.changed',
    'broadcast.started', 'broadcast.ended',
    'announcement.started', 'announcement.finished'
  ];
  const RECENT_LIMIT = 10;          // the server's board keeps the last 10 calls
  const DEBUG_LIMIT = 1000;         // cap of every PanggilDebug array
  const HIGHLIGHT_MS = 6000;        // how long a new call stays highlighted
  const SOUND_MAX_AGE_MS = 120000;  // calls older than this (server time) are not played
  const EMERGENCY_GAP_MS = 2000;    // least silence between two sayings of an emergency
  const PAGE_MS = 10000;            // slow pagination of long counter/service lists
  const RETRY_MAX_MS = 30000;
  const WATCHDOG_SILENT_MS = 60000;      // no message and not OPEN for this long: reopen
  const WATCHDOG_HALF_OPEN_MS = 300000;  // OPEN but silent for this long: reopen quietly (dead TCP)

  // ---------------------------------------------------------------------------------------------
  // Texts (everything a citizen reads). Indonesian first; English when the language is `en`.

  const TEXT = {
    id: {
      days: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
      months: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
        'Oktober', 'November', 'Desember'],
      timeSeparator: '.',
      connOnline: 'Terhubung',
      connOffline: 'Terputus — menyambung kembali…',
      connConnecting: 'Menghubungkan…',
      latestLabel: 'Nomor antrian',
      recallLabel: 'Panggilan ulang · Nomor antrian',
      goTo: 'silakan menuju',
      noCall: 'Belum ada panggilan',
      recentTitle: 'Panggilan sebelumnya',
      countersTitle: 'Loket',
      servicesTitle: 'Antrean layanan',
      waiting: 'menunggu',
      minutes: 'menit',
      noWait: 'tanpa antrean',
      hours: 'jam',
      paused: 'Istirahat',
      closed: 'Tutup',
      calling: 'Memanggil',
      serving: 'Melayani',
      priority: '★ Prioritas',
      page: 'Hal. {n}/{total}',
      welcome: 'Selamat datang di {site}. Ambil nomor antrian di anjungan.',
      welcomeNoSite: 'Selamat datang. Ambil nomor antrian di anjungan.',
      emergencyLabel: 'PERINGATAN DARURAT',
      soundPrompt: 'Ketuk untuk mengaktifkan suara',
      soundPromptHint: 'Panggilan akan dibacakan lewat pengeras suara layar ini.',
      // counter-top screen
      pleaseWait: 'Silakan menunggu',
      counterCalled: 'Dipanggil',
      counterServing: 'Sedang dilayani',
      counterServices: 'Layanan',
      noCounter: 'Loket belum ditentukan. Tambahkan ?counter=3 pada alamat halaman ini.',
      unknownCounter: 'Loket ini tidak ada dalam data antrean.',
      // phone page
      phoneTitle: 'Status tiket antrean',
      stateWaiting: 'Menunggu',
      stateCalled: 'Dipanggil — silakan menuju {counter}',
      stateCalledNoCounter: 'Dipanggil',
      stateServing: 'Sedang dilayani',
      stateServingAt: 'Sedang dilayani di {counter}',
      stateDone: 'Selesai',
      stateNoShow: 'Tidak hadir',
      stateCancelled: 'Dibatalkan',
      peopleAhead: '{n} orang di depan Anda',
      youAreNext: 'Tidak ada orang di depan Anda — Anda berikutnya',
      estimatedWait: 'Perkiraan waktu tunggu',
      nowServing: 'Nomor terakhir dipanggil',
      yourTurn: 'Giliran Anda!',
      goToCounter: 'Silakan menuju {counter}',
      notFound: 'Tiket tidak ditemukan. Periksa kode pada tiket Anda.',
      otherLanguage: 'English',
      loading: 'Memuat…',
      configError: 'Tampilan ini belum dapat dibuka.'
    },
    en: {
      days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
        'October', 'November', 'December'],
      timeSeparator: ':',
      connOnline: 'Connected',
      connOffline: 'Disconnected — reconnecting…',
      connConnecting: 'Connecting…',
      latestLabel: 'Ticket number',
      recallLabel: 'Called again · Ticket number',
      goTo: 'please go to',
      noCall: 'No calls yet',
      recentTitle: 'Previous calls',
      countersTitle: 'Counters',
      servicesTitle: 'Queues',
      waiting: 'waiting',
      minutes: 'min',
      noWait: 'no queue',
      hours: 'h',
      paused: 'On break',
      closed: 'Closed',
      calling: 'Calling',
      serving: 'Serving',
      priority: '★ Priority',
      page: 'Page {n}/{total}',
      welcome: 'Welcome to {site}. Take a queue ticket at the kiosk.',
      welcomeNoSite: 'Welcome. Take a queue ticket at the kiosk.',
      emergencyLabel: 'EMERGENCY WARNING',
      soundPrompt: 'Tap to enable sound',
      soundPromptHint: 'Calls will be read out through this screen’s speaker.',
      pleaseWait: 'Please wait',
      counterCalled: 'Called',
      counterServing: 'Being served',
      counterServices: 'Services',
      noCounter: 'No counter chosen. Add ?counter=3 to this page’s address.',
      unknownCounter: 'This counter is not in the queue data.',
      phoneTitle: 'Queue ticket status',
      stateWaiting: 'Waiting',
      stateCalled: 'Called — please go to {counter}',
      stateCalledNoCounter: 'Called',
      stateServing: 'Being served',
      stateServingAt: 'Being served at {counter}',
      stateDone: 'Done',
      stateNoShow: 'Did not come',
      stateCancelled: 'Cancelled',
      peopleAhead: '{n} people ahead of you',
      peopleAheadOne: '1 person ahead of you',
      youAreNext: 'Nobody ahead of you — you are next',
      estimatedWait: 'Estimated wait',
      nowServing: 'Last number called',
      yourTurn: 'Your turn!',
      goToCounter: 'Please go to {counter}',
      notFound: 'Ticket not found. Check the code on your ticket.',
      otherLanguage: 'Bahasa Indonesia',
      loading: 'Loading…',
      configError: 'This display cannot be opened yet.'
    }
  };

  let language = 'id';

  function normalizeLanguage(value) {
    return String(value || '').toLowerCase().indexOf('en') === 0 ? 'en' : 'id';
  }

  /** The text `key` in the current language, with `{name}` placeholders filled from `vars`. */
  function t(key, vars, lang) {
    const table = TEXT[lang || language] || TEXT.id;
    let text = table[key];
    if (text === undefined) text = TEXT.id[key];
    if (text === undefined) return key;
    if (vars) {
      text = String(text).replace(/\{(\w+)\}/g, function (all, name) {
        return vars[name] === undefined || vars[name] === null ? '' : String(vars[name]);
      });
    }
    return text;
  }

  // ---------------------------------------------------------------------------------------------
  // Time. Never Intl time zones (old TVs lack ICU data) and never the TV's own clock: server time is
  // a monotonic local clock plus a skew learnt from the `at` of what the server sends, and local time
  // is that instant shifted by the UTC offset written in the same `at`.

  const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

  /**
   * Parses `2026-11-29T14:05:00.123+07:00` into `{ms, offsetMinutes}`: `ms` is the instant (epoch
   * milliseconds), `offsetMinutes` the UTC offset written in the string (0 for `Z` or none).
   * Returns null for anything else.
   */
  function parseTime(text) {
    if (typeof text !== 'string') return null;
    const m = ISO_RE.exec(text.trim());
    if (!m) return null;
    let offset = 0;
    if (m[8] && m[8] !== 'Z' && m[8] !== 'z') {
      const sign = m[8].charAt(0) === '-' ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      offset = sign * (parseInt(digits.slice(0, 2), 10) * 60 + (digits.length > 2 ? parseInt(digits.slice(2, 4), 10) : 0));
    }
    const fraction = m[7] ? parseInt((m[7] + '00').slice(0, 3), 10) : 0;
    const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0, fraction);
    if (isNaN(local)) return null;
    return { ms: local - offset * 60000, offsetMinutes: offset };
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /** `WIB` for +07:00, `WITA` for +08:00, `WIT` for +09:00, else `UTC+X` (`UTC+5:30`, `UTC-3`, `UTC`). */
  function zoneLabel(offsetMinutes) {
    if (offsetMinutes === 420) return 'WIB';
    if (offsetMinutes === 480) return 'WITA';
    if (offsetMinutes === 540) return 'WIT';
    if (!offsetMinutes) return 'UTC';
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    const h = Math.floor(abs / 60);
    const m = abs % 60;
    return 'UTC' + sign + h + (m ? ':' + pad2(m) : '');
  }

  /** A Date whose UTC fields are the local wall-clock fields at `ms` for that offset. */
  function wallClock(ms, offsetMinutes) {
    return new Date(ms + (offsetMinutes || 0) * 60000);
  }

  /** `Minggu, 29 November 2026` (Indonesian) or `Sunday, 29 November 2026` (English). */
  function formatDate(ms, offsetMinutes, lang) {
    const table = TEXT[lang || language] || TEXT.id;
    const d = wallClock(ms, offsetMinutes);
    return table.days[d.getUTCDay()] + ', ' + d.getUTCDate() + ' ' + table.months[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }

  /** `14.05 WIB` (Indonesian) or `14:05 WIB` (English). */
  function formatClock(ms, offsetMinutes, lang) {
    const table = TEXT[lang || language] || TEXT.id;
    const d = wallClock(ms, offsetMinutes);
    return pad2(d.getUTCHours()) + table.timeSeparator + pad2(d.getUTCMinutes()) + ' ' + zoneLabel(offsetMinutes || 0);
  }

  /** `± 25 menit`, `± 1 jam 10 menit`. */
  function formatWait(minutes, lang) {
    let n = Math.max(0, Math.round(Number(minutes) || 0));
    // Nobody waiting (or next in line): "± 0 menit" would read like a broken estimate.
    if (n === 0) return t('noWait', null, lang);
    const mins = t('minutes', null, lang);
    if (n < 60) return '± ' + n + ' ' + mins;
    const h = Math.floor(n / 60);
    n = n % 60;
    return '± ' + h + ' ' + t('hours', null, lang) + (n ? ' ' + n + ' ' + mins : '');
  }

  function monotonicNow() {
    if (root && root.performance && typeof root.performance.now === 'function') return root.performance.now();
    return Date.now();
  }

  /**
   * Server clock. Each `at` received is a lower bound of the server's time at arrival (an event is
   * sent after it happened; replayed events are older still), so a live event only ever moves the
   * clock forward; a snapshot (taken when it is sent) sets it outright, which also corrects drift and
   * a server clock that was stepped back. `now()` is `monotonic + skew`, immune to the TV's own clock.
   */
  function ServerClock(nowFn) {
    this.nowFn = nowFn || monotonicNow;
    this.skew = null;
    this.offsetMinutes = null;
  }
  ServerClock.prototype.observe = function (at, authoritative) {
    const parsed = typeof at === 'string' ? parseTime(at) : null;
    if (!parsed) return false;
    const sample = parsed.ms - this.nowFn();
    if (this.skew === null || authoritative || sample > this.skew) this.skew = sample;
    this.offsetMinutes = parsed.offsetMinutes;
    return true;
  };
  ServerClock.prototype.known = function () {
    return this.skew !== null;
  };
  /** Server time in epoch milliseconds, or null before anything was received. */
  ServerClock.prototype.now = function () {
    return this.skew === null ? null : this.nowFn() + this.skew;
  };

  // ---------------------------------------------------------------------------------------------
  // Reducer: the board within the display's scope, folded from `snapshot` and live events. Pure:
  // never mutates its input, never touches the DOM.

  function toArray(value) {
    return Array.isArray(value) ? value : [];
  }

  function sameId(a, b) {
    return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);
  }

  function counterKey(counter) {
    if (!counter) return null;
    return counter.id !== undefined && counter.id !== null ? counter.id : counter.number;
  }

  function findIndex(list, predicate) {
    for (let i = 0; i < list.length; i++) if (predicate(list[i])) return i;
    return -1;
  }

  function emptyState() {
    return { site: null, day: null, seq: 0, at: null, counters: [], services: [], recentCalls: [], broadcasts: [] };
  }

  function withoutTicket(counter) {
    const copy = Object.assign({}, counter);
    delete copy.ticket;
    delete copy.ticketState;
    delete copy.since;
    return copy;
  }

  /** `state = reduce(state, type, data)`: the next board after one stream message. */
  function reduce(state, type, data) {
    if (!state) state = emptyState();
    if (!data || typeof data !== 'object') return state;

    if (type === 'snapshot') {
      return {
        site: data.site || null,
        day: data.day || null,
        seq: typeof data.seq === 'number' ? data.seq : 0,
        at: data.at || null,
        counters: toArray(data.counters).map(function (c) { return Object.assign({}, c); }),
        services: toArray(data.services).slice(),
        recentCalls: toArray(data.recentCalls).slice(0, RECENT_LIMIT),
        broadcasts: toArray(data.broadcasts).slice()
      };
    }

    const next = Object.assign({}, state);
    if (typeof data.seq === 'number' && data.seq > (next.seq || 0)) next.seq = data.seq;
    if (data.at) next.at = data.at;

    const key = counterKey(data.counter);
    const index = key === null ? -1 : findIndex(state.counters, function (c) { return sameId(counterKey(c), key); });

    function setCounter(counter) {
      next.counters = next.counters.slice();
      next.counters[index] = counter;
    }
    function patchCounter(changes) {
      setCounter(Object.assign({}, next.counters[index], changes));
    }
    function pushCall(recall) {
      if (!data.ticket) return;
      const call = { ticket: data.ticket, counter: data.counter, at: data.at, recall: recall };
      next.recentCalls = [call].concat(state.recentCalls).slice(0, RECENT_LIMIT);
    }

    switch (type) {
      case 'ticket.called':
        if (index >= 0 && data.ticket) {
          patchCounter({ ticket: data.ticket, ticketState: 'called', since: data.at });
          pushCall(false);
        }
        break;
      case 'ticket.recalled':
        if (index >= 0 && data.ticket) {
          const held = next.counters[index].ticket;
          if (held && sameId(held.id, data.ticket.id)) patchCounter({ since: data.at });
          else patchCounter({ ticket: data.ticket, ticketState: 'called', since: data.at });
          pushCall(true);
        }
        break;
      case 'ticket.started':
        if (index >= 0) {
          const changes = { ticketState: 'serving', since: data.at };
          if (data.ticket) changes.ticket = data.ticket;
          patchCounter(changes);
        }
        break;
      case 'ticket.completed':
      case 'ticket.no_show':
      case 'ticket.transferred':
        if (index >= 0) setCounter(withoutTicket(next.counters[index]));
        break;
      case 'counter.changed':
        if (index >= 0 && data.counterState) patchCounter({ state: data.counterState });
        break;
      case 'broadcast.started':
        if (data.broadcast && data.broadcast.id !== undefined && data.broadcast.id !== null) {
          const others = state.broadcasts.filter(function (b) { return !sameId(b && b.id, data.broadcast.id); });
          next.broadcasts = others.concat([data.broadcast]);
        }
        break;
      case 'broadcast.ended':
        if (data.broadcast && data.broadcast.id !== undefined && data.broadcast.id !== null) {
          next.broadcasts = state.broadcasts.filter(function (b) { return !sameId(b && b.id, data.broadcast.id); });
        }
        break;
      default:
        break;
    }

    if (Array.isArray(data.queues) && data.queues.length) {
      let services = null;
      data.queues.forEach(function (line) {
        if (!line || line.code === undefined) return;
        const i = findIndex(services || state.services, function (s) { return s.code === line.code; });
        if (i < 0) return;
        if (!services) services = state.services.slice();
        services[i] = line;
      });
      if (services) next.services = services;
    }
    return next;
  }

  /** The latest call (newest first), or null. */
  function latestCall(state) {
    return state && state.recentCalls && state.recentCalls.length ? state.recentCalls[0] : null;
  }

  /** The calls before the latest one, each ticket once, newest first. */
  function previousCalls(state, limit) {
    const calls = state && state.recentCalls ? state.recentCalls : [];
    const seen = {};
    const result = [];
    for (let i = 0; i < calls.length && result.length < limit; i++) {
      const call = calls[i];
      if (!call || !call.ticket) continue;
      const key = call.ticket.id !== undefined ? 'id' + call.ticket.id : 'n' + call.ticket.number;
      if (seen[key]) continue;
      seen[key] = true;
      if (i > 0) result.push(call);
    }
    return result;
  }

  /** The zones a display covers: its own zone, else the zones of its counters; [] means "all". */
  /** Active broadcasts of one kind. The server sends a display only those that reach its zones. */
  function activeBroadcasts(state, kind) {
    return toArray(state && state.broadcasts).filter(function (b) { return b && b.kind === kind; });
  }

  /**
   * A notice as the running line shows it: the Indonesian text, then ` — ` and the English when the
   * broadcast has one (`textEn`).
   */
  function noticeLine(broadcast) {
    if (!broadcast || !broadcast.text) return '';
    return broadcast.text + (broadcast.textEn ? ' — ' + broadcast.textEn : '');
  }

  /**
   * The break the schedule posted (a notice with `occasion: "break"`) that reaches this display and
   * stops one of `services` (a break without services stops all), the newest if several; null when
   * there is none. The server sends a display only its zones' broadcasts.
   */
  function activeBreak(state, services) {
    const breaks = activeBroadcasts(state, 'notice').filter(function (b) {
      if (b.occasion !== 'break') return false;
      const stops = toArray(b.services);
      return !stops.length || !services || toArray(services).some(function (code) { return stops.indexOf(code) >= 0; });
    });
    return breaks.length ? breaks[breaks.length - 1] : null;
  }

  /** Text of a counter's state as the hall shows it. */
  function counterStateText(counter, lang) {
    if (!counter) return '';
    if (counter.state === 'paused') return t('paused', null, lang);
    if (counter.state === 'closed') return t('closed', null, lang);
    if (counter.ticket && counter.ticketState === 'serving') return t('serving', null, lang);
    if (counter.ticket) return t('calling', null, lang);
    return '';
  }

  /** The phone page's state line. */
  function phoneStateText(status, lang) {
    const counter = status && status.counter ? (status.counter.name || ('Loket ' + status.counter.number)) : '';
    switch (status && status.state) {
      case 'waiting': return t('stateWaiting', null, lang);
      case 'called': return counter ? t('stateCalled', { counter: counter }, lang) : t('stateCalledNoCounter', null, lang);
      case 'serving': return counter ? t('stateServingAt', { counter: counter }, lang) : t('stateServing', null, lang);
      case 'done': return t('stateDone', null, lang);
      case 'no_show': return t('stateNoShow', null, lang);
      case 'cancelled': return t('stateCancelled', null, lang);
      default: return '';
    }
  }

  function peopleAheadText(n, lang) {
    if (n === 0) return t('youAreNext', null, lang);
    if (n === 1 && (lang || language) === 'en') return t('peopleAheadOne', null, lang);
    return t('peopleAhead', { n: n }, lang);
  }

  function counterName(counter) {
    if (!counter) return '';
    return counter.name || ('Loket ' + (counter.number !== undefined ? counter.number : counter.id));
  }

  /** URL of a stream, resumed after `lastId` when there is one. */
  function withLastEventId(url, lastId) {
    if (lastId === null || lastId === undefined || lastId === '') return url;
    return url + (url.indexOf('?') >= 0 ? '&' : '?') + 'last_event_id=' + encodeURIComponent(lastId);
  }

  function splitList(value) {
    if (value === null || value === undefined) return null;
    const list = (Array.isArray(value) ? value : String(value).split(','))
      .map(function (s) { return String(s).trim(); })
      .filter(function (s) { return s.length > 0; });
    return list.length ? list : null;
  }

  /** `/api/events?zone=..&services=A,B&counters=3,4` from a display's filters. */
  function buildStreamUrl(config) {
    const parts = [];
    if (config.zone) parts.push('zone=' + encodeURIComponent(config.zone));
    if (config.services && config.services.length) parts.push('services=' + config.services.map(encodeURIComponent).join(','));
    let counters = config.counters;
    if ((!counters || !counters.length) && config.counter !== null && config.counter !== undefined && config.counter !== '') {
      counters = [String(config.counter)];
    }
    if (counters && counters.length) parts.push('counters=' + counters.map(encodeURIComponent).join(','));
    // Labels the screen on the admin page's list of connected screens.
    if (config.layout) parts.push('layout=' + encodeURIComponent(config.layout));
    return '/api/events' + (parts.length ? '?' + parts.join('&') : '');
  }

  /** Retry delay: 1 s, 2 s, 4 s … at most 30 s, with ±20 % random jitter. */
  function backoffDelay(attempt, random) {
    const base = Math.min(RETRY_MAX_MS, 1000 * Math.pow(2, Math.max(0, attempt)));
    const r = typeof random === 'number' ? random : Math.random();
    return Math.round(Math.min(RETRY_MAX_MS, base * (0.8 + 0.4 * r)));
  }

  // ---------------------------------------------------------------------------------------------
  // Everything below runs only in a browser, after `Panggil.start(...)`.

  const doc = root && root.document ? root.document : null;

  function $(id) {
    return doc ? doc.getElementById(id) : null;
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  function setHidden(el, hidden) {
    if (el && el.hidden !== hidden) el.hidden = hidden;
  }

  function setAttr(el, name, value) {
    if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  /** Replaces an element's HTML only when it changed (keeps the DOM quiet on old hardware). */
  function setHtml(el, html) {
    if (!el) return false;
    if (el.__panggilHtml === html) return false;
    el.__panggilHtml = html;
    el.innerHTML = html;
    return true;
  }

  function capPush(list, item) {
    list.push(item);
    if (list.length > DEBUG_LIMIT) list.splice(0, list.length - DEBUG_LIMIT);
  }

  function debug() {
    if (!root.PanggilDebug) {
      root.PanggilDebug = { state: null, status: 'connecting', lastEventId: null, events: [], shown: [], sounds: [], emergencyPlays: [] };
    }
    return root.PanggilDebug;
  }

  /** Shrinks an element's font until its text fits its width (never below `minRatio` of the CSS size). */
  function fitWidth(el, minRatio) {
    if (!el) return;
    el.style.fontSize = '';
    const width = el.clientWidth;
    if (!width || !el.textContent) return;
    const needed = el.scrollWidth;
    if (needed <= width + 1) return;
    const size = parseFloat(root.getComputedStyle(el).fontSize);
    if (!size) return;
    el.style.fontSize = Math.max(size * (minRatio || 0.5), size * width / needed * 0.97) + 'px';
  }

  /** Shrinks an element's font until its content fits its height. */
  function fitHeight(el, minRatio) {
    if (!el) return;
    el.style.fontSize = '';
    if (!el.clientHeight) return;
    const size = parseFloat(root.getComputedStyle(el).fontSize);
    let current = size;
    for (let i = 0; i < 12 && el.scrollHeight > el.clientHeight + 1 && current > size * (minRatio || 0.3); i++) {
      current = current * 0.88;
      el.style.fontSize = current + 'px';
    }
  }

  // --- Language and theme -----------------------------------------------------------------------

  function applyLanguage(lang) {
    language = normalizeLanguage(lang);
    if (!doc) return;
    doc.documentElement.setAttribute('lang', language);
    const nodes = doc.querySelectorAll('[data-i18n]');
    for (let i = 0; i < nodes.length; i++) setText(nodes[i], t(nodes[i].getAttribute('data-i18n')));
  }

  function applyTheme(theme) {
    if (!doc) return;
    const value = theme === 'light' || theme === 'dark' ? theme : null;
    if (value) doc.documentElement.setAttribute('data-theme', value);
  }

  // --- Logo: the site's own (/site/logo), else the shipped default, else nothing ----------------

  function wireLogos() {
    if (!doc) return;
    const images = doc.querySelectorAll('img.logo');
    for (let i = 0; i < images.length; i++) {
      const img = images[i];
      const onError = function () {
        if (img.getAttribute('data-fallback') !== '1') {
          img.setAttribute('data-fallback', '1');
          const fromDisk = root.location && root.location.protocol === 'file:';
          img.src = fromDisk ? '../shared/logo.svg' : '/layouts/shared/logo.svg';
        } else {
          img.style.visibility = 'hidden';
        }
      };
      img.addEventListener('error', onError);
      if (img.complete && img.naturalWidth === 0 && img.getAttribute('src')) onError();
    }
  }

  // --- Connection indicator ---------------------------------------------------------------------

  let currentStatus = 'connecting';

  function showStatus(status) {
    currentStatus = status;
    debug().status = status;
    const el = $('connection');
    if (el) {
      setAttr(el, 'data-state', status);
      let label = el.querySelector('.conn-label');
      if (!label) {
        el.innerHTML = '<span class="conn-icon" aria-hidden="true"></span><span class="conn-label"></span>';
        label = el.querySelector('.conn-label');
      }
      setText(label, t(status === 'online' ? 'connOnline' : status === 'offline' ? 'connOffline' : 'connConnecting'));
      el.setAttribute('role', 'status');
    }
    if (doc && doc.body) {
      doc.body.classList.toggle('is-offline', status === 'offline');
      doc.body.classList.toggle('is-online', status === 'online');
    }
  }

  // --- Full-screen message (unknown display, unknown zone …) ------------------------------------

  function showFatal(title, message) {
    if (!doc) return;
    let el = $('fatal');
    if (!el) {
      el = doc.createElement('div');
      el.id = 'fatal';
      el.className = 'fatal';
      el.innerHTML = '<div class="fatal-box"><div class="fatal-title"></div><div class="fatal-text"></div></div>';
      doc.body.appendChild(el);
    }
    setText(el.querySelector('.fatal-title'), title || t('configError'));
    setText(el.querySelector('.fatal-text'), message || '');
    el.hidden = false;
  }

  function hideFatal() {
    const el = $('fatal');
    if (el) el.hidden = true;
  }

  // --- Clock --------------------------------------------------------------------------------------

  const serverClock = new ServerClock();

  function tickClock() {
    const now = serverClock.now();
    const clockEl = $('clock');
    const dateEl = $('date');
    if (now === null) {
      setText(clockEl, '--' + t('timeSeparator') + '--');
      setText(dateEl, '');
      return;
    }
    const offset = serverClock.offsetMinutes || 0;
    setText(clockEl, formatClock(now, offset));
    setText(dateEl, formatDate(now, offset));
  }

  /**
   * What every stream message does first, on any page: it goes into PanggilDebug, and its `at`
   * sets the server clock. Returns PanggilDebug.
   */
  function noteMessage(type, data, lastId) {
    const dbg = debug();
    capPush(dbg.events, { type: type, seq: data.seq });
    dbg.lastEventId = lastId;
    if (data.at) {
      const first = !serverClock.known();
      serverClock.observe(data.at, type === 'snapshot');
      // The clock shows the server's time from the first message, not a second later.
      if (first) tickClock();
    }
    return dbg;
  }

  function startClock() {
    tickClock();
    // Align to the next whole second, then tick every second.
    const now = serverClock.now();
    const wait = now === null ? 1000 : 1000 - (Math.floor(now) % 1000);
    setTimeout(function () {
      tickClock();
      setInterval(tickClock, 1000);
    }, wait);
  }

  // --- Configuration ------------------------------------------------------------------------------

  function queryParams() {
    const result = {};
    const search = (root.location && root.location.search) || '';
    search.replace(/^\?/, '').split('&').forEach(function (pair) {
      if (!pair) return;
      const i = pair.indexOf('=');
      const name = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, ' '));
      const value = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, ' '));
      result[name] = value;
    });
    return result;
  }

  function profileName() {
    const path = (root.location && root.location.pathname) || '';
    const m = /^\/d\/([^\/]+)\/?$/.exec(path);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function isTrue(value) {
    return value === true || value === 1 || value === '1' || value === 'true' || value === 'yes';
  }

  /** A counter page filtered to one counter shows that one; the stream is the profile's or the filters'. */
  function completeConfig(config, layout, stream) {
    if (config.counter === null && layout === 'counter' && config.counters && config.counters.length === 1) {
      config.counter = config.counters[0];
    }
    config.stream = stream || buildStreamUrl(config);
    return config;
  }

  function configFromQuery(q, layout) {
    return completeConfig({
      name: null,
      layout: layout,
      title: q.title || null,
      zone: q.zone || null,
      zoneName: null,
      services: splitList(q.services),
      counters: splitList(q.counters),
      counter: q.counter ? q.counter : null,
      theme: q.theme || null,
      language: q.lang || q.language || 'id',
      speaker: isTrue(q.speaker)
    }, layout, null);
  }

  function configFromProfile(profile, q, layout) {
    return completeConfig({
      name: profile.name || null,
      layout: profile.layout || layout,
      title: profile.title || null,
      zone: profile.zone || null,
      zoneName: profile.zoneName || null,
      services: splitList(profile.services),
      counters: splitList(profile.counters),
      counter: profile.counter !== null && profile.counter !== undefined ? String(profile.counter) : null,
      theme: q.theme || profile.theme || null,
      language: q.lang || profile.language || 'id',
      speaker: profile.speaker === true || isTrue(q.speaker)
    }, layout, typeof profile.stream === 'string' && profile.stream ? profile.stream : null);
  }

  function fetchJson(url) {
    return fetch(url, { cache: 'no-store', credentials: 'same-origin' }).then(function (res) {
      return res.text().then(function (body) {
        let json = null;
        try { json = body ? JSON.parse(body) : null; } catch (e) { json = null; }
        if (!res.ok) {
          const err = new Error('HTTP ' + res.status);
          err.status = res.status;
          err.body = json;
          throw err;
        }
        return json;
      });
    });
  }

  function errorMessage(err) {
    return err && err.body && err.body.error && err.body.error.message ? err.body.error.message : '';
  }

  /** Resolves the display's configuration, retrying while the server cannot be reached. */
  function resolveConfig(layout, callback) {
    const q = queryParams();
    const name = profileName();
    if (!name) {
      callback(configFromQuery(q, layout));
      return;
    }
    let attempt = 0;
    const load = function () {
      fetchJson('/api/displays/' + encodeURIComponent(name)).then(function (profile) {
        hideFatal();
        callback(configFromProfile(profile || {}, q, layout));
      }, function (err) {
        if (err && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
          // Unknown display: say so, and look again now and then (the site file may be fixed).
          showFatal(t('configError'), errorMessage(err) || ('/d/' + name));
          setTimeout(load, 60000);
        } else {
          showStatus('offline');
          setTimeout(load, backoffDelay(attempt++));
        }
      });
    };
    load();
  }

  // --- Stream with resume ----------------------------------------------------------------------

  /**
   * Opens an EventSource and keeps it open: the browser's own reconnection (with Last-Event-ID)
   * while it does that, our own back-off when it gives up (CLOSED), and a watchdog.
   *
   * options: url(lastId) → string, onEvent(type, data, lastId), onStatus(status),
   *          onFailure(info) — called when a connection fails; info.beforeAnyMessage, info.url.
   * Returns {stop(), reopen(), lastId()}.
   */
  function connectStream(options) {
    let source = null;
    let lastId = options.lastId || null;
    let attempt = 0;
    let retryTimer = null;
    let lastActivity = monotonicNow();
    let everMessage = false;
    let stopped = false;
    let status = 'connecting';

    function setStatus(next) {
      if (next === status) return;
      status = next;
      options.onStatus(next);
    }

    function handle(event) {
      if (event.target !== source) return;
      lastActivity = monotonicNow();
      if (event.lastEventId) lastId = event.lastEventId;
      attempt = 0;
      everMessage = true;
      setStatus('online');
      let data = null;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      options.onEvent(event.type, data, lastId);
    }

    function open() {
      if (stopped) return;
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
      if (source) { source.close(); source = null; }
      lastActivity = monotonicNow();
      const url = options.url(lastId);
      let es;
      try {
        es = new root.EventSource(url);
      } catch (e) {
        failed(url);
        return;
      }
      source = es;
      es.onopen = function () {
        if (es !== source) return;
        lastActivity = monotonicNow();
        // A resumed stream may have nothing to replay, so it is online as soon as it opens; the first
        // connection is online once its snapshot is on screen (see handle).
        if (everMessage) setStatus('online');
      };
      EVENT_TYPES.forEach(function (type) { es.addEventListener(type, handle); });
      es.onmessage = handle;
      es.onerror = function () {
        if (es !== source) return;
        if (es.readyState === 2) {
          failed(url);
        } else {
          // CONNECTING: the browser reconnects by itself and sends Last-Event-ID.
          setStatus('offline');
          if (options.onFailure) options.onFailure({ beforeAnyMessage: !everMessage, url: url, closed: false });
        }
      };
    }

    function failed(url) {
      if (source) { source.close(); source = null; }
      setStatus('offline');
      if (options.onFailure) options.onFailure({ beforeAnyMessage: !everMessage, url: url, closed: true, attempt: attempt });
      schedule();
    }

    function schedule() {
      if (stopped || retryTimer) return;
      const delay = backoffDelay(attempt);
      attempt = Math.min(attempt + 1, 10);
      retryTimer = setTimeout(function () { retryTimer = null; open(); }, delay);
    }

    const watchdog = setInterval(function () {
      if (stopped || retryTimer) return;
      const idle = monotonicNow() - lastActivity;
      const state = source ? source.readyState : 2;
      if (state !== 1 && idle > WATCHDOG_SILENT_MS) {
        setStatus('offline');
        open();
      } else if (state === 1 && idle > WATCHDOG_HALF_OPEN_MS) {
        // Heartbeats fire no JS event, so a silently dead connection looks OPEN forever: resume
        // from the last id on a fresh connection (costs nothing if nothing was missed).
        open();
      }
    }, 5000);

    open();
    return {
      stop: function () {
        stopped = true;
        clearInterval(watchdog);
        if (retryTimer) clearTimeout(retryTimer);
        if (source) source.close();
        source = null;
      },
      reopen: open,
      lastId: function () { return lastId; }
    };
  }

  /** After a failed connection that never delivered anything: is it a configuration error (4xx)? */
  function diagnoseStream(url) {
    if (typeof root.AbortController !== 'function' || typeof fetch !== 'function') return;
    const controller = new root.AbortController();
    fetch(url, { cache: 'no-store', signal: controller.signal, headers: { Accept: 'text/event-stream' } }).then(function (res) {
      if (res.ok) { controller.abort(); return; }
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        return res.text().then(function (body) {
          let json = null;
          try { json = JSON.parse(body); } catch (e) { json = null; }
          showFatal(t('configError'), errorMessage({ body: json }) || ('HTTP ' + res.status));
        });
      }
    }).catch(function () { /* the server is away: the indicator already says so */ });
  }

  // --- Sound ------------------------------------------------------------------------------------

  /** A tenth of a second of silence as a WAV data URI, to test and unlock audio playback. */
  function silentWav() {
    const samples = 800;
    const bytes = [];
    function str(s) { for (let i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i)); }
    function u32(n) { bytes.push(n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >> 24) & 255); }
    function u16(n) { bytes.push(n & 255, (n >> 8) & 255); }
    str('RIFF'); u32(36 + samples); str('WAVE');
    str('fmt '); u32(16); u16(1); u16(1); u32(8000); u32(8000); u16(1); u16(8);
    str('data'); u32(samples);
    for (let i = 0; i < samples; i++) bytes.push(128);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return 'data:audio/wav;base64,' + root.btoa(binary);
  }

  /**
   * A speaker display's sound, as the hall's loudspeakers do it: calls and spoken notices in order, one
   * at a time; an emergency cuts in at once and is said every `repeatSeconds` until it ends, the calls
   * meanwhile held back, then said (if not too old) or dropped as the site's `emergency` settings say.
   */
  const sound = {
    enabled: false,
    queue: [],            // calls and spoken notices waiting: {seq, at, kind, held}
    playing: null,        // {stop(), emergency} of the audio playing, one at a time
    blocked: false,
    seen: {},
    emergencies: [],      // going on, oldest first: {id, seq (null: no sound known), next}
    settings: { repeatSeconds: 30, heldCalls: 'play', heldCallMaxAgeSeconds: 300 },
    timer: null,

    init: function () {
      this.enabled = true;
      const prompt = $('sound-prompt');
      const self = this;
      if (prompt) prompt.addEventListener('click', function () { self.unlock(); });
      fetchJson('/api/site').then(function (site) { self.configure(site && site.emergency); }, function () { /* defaults */ });
      // Probe: a kiosk started with an autoplay policy that allows sound never sees the prompt.
      try {
        const probe = new root.Audio(silentWav());
        const p = probe.play();
        if (p && typeof p.then === 'function') {
          p.then(function () { /* allowed */ }, function (err) {
            if (err && err.name === 'NotAllowedError') self.block();
          });
        }
      } catch (e) { /* no audio at all */ }
    },

    /** The site's `emergency` settings (`GET /api/site`); what is missing keeps its default. */
    configure: function (emergency) {
      if (!emergency) return;
      const s = this.settings;
      if (typeof emergency.repeatSeconds === 'number' && emergency.repeatSeconds > 0) s.repeatSeconds = emergency.repeatSeconds;
      if (emergency.heldCalls === 'play' || emergency.heldCalls === 'drop') s.heldCalls = emergency.heldCalls;
      if (typeof emergency.heldCallMaxAgeSeconds === 'number' && emergency.heldCallMaxAgeSeconds >= 0) {
        s.heldCallMaxAgeSeconds = emergency.heldCallMaxAgeSeconds;
      }
    },

    block: function () {
      this.blocked = true;
      setHidden($('sound-prompt'), false);
    },

    unlock: function () {
      this.blocked = false;
      setHidden($('sound-prompt'), true);
      try {
        const a = new root.Audio(silentWav());
        const p = a.play();
        if (p && typeof p.catch === 'function') p.catch(function () { /* ignore */ });
      } catch (e) { /* ignore */ }
      // Still inside the tap: start the waiting call now, which browsers allow.
      this.pump();
    },

    /** A call (`kind` 'call') or spoken notice ('notice') to say, by the seq of its event. */
    enqueue: function (seq, atMs, kind) {
      if (!this.enabled || seq === undefined || seq === null) return;
      const key = String(seq);
      if (this.seen[key]) return;
      this.seen[key] = true;
      this.queue.push({ seq: seq, at: atMs, kind: kind || 'call', held: false });
      this.pump();
    },

    /** An emergency began (again, after a reconnect: no change); `seq` is its `broadcast.started` event. */
    startEmergency: function (id, seq) {
      let emergency = this.emergencies.filter(function (e) { return sameId(e.id, id); })[0];
      if (!emergency) {
        emergency = { id: id, seq: null, next: 0 };
        this.emergencies.push(emergency);
      }
      if (emergency.seq === null && typeof seq === 'number') emergency.seq = seq;
      this.reconsider();
    },

    endEmergency: function (id) {
      const left = this.emergencies.filter(function (e) { return !sameId(e.id, id); });
      if (left.length === this.emergencies.length) return;
      this.emergencies = left;
      if (!left.length) {
        // The calls it held back (the one it cut off too): said in order, or dropped.
        const drop = this.settings.heldCalls === 'drop';
        this.queue.forEach(function (item) {
          item.held = true;
          if (drop) capPush(debug().sounds, { id: item.seq, kind: item.kind, startedAt: null, endedAt: null, ok: false, skipped: 'held' });
        });
        if (drop) this.queue = [];
      }
      this.reconsider();
    },

    /** A snapshot's emergencies: those it no longer lists ended while the stream was away. */
    syncEmergencies: function (list) {
      const self = this;
      list.forEach(function (b) { self.startEmergency(b.id, b.startedEvent); });
      this.emergencies.filter(function (e) {
        return !list.some(function (b) { return sameId(b.id, e.id); });
      }).forEach(function (e) { self.endEmergency(e.id); });
    },

    /** The emergency to sound: the newest whose audio is known. */
    loudest: function () {
      for (let i = this.emergencies.length - 1; i >= 0; i--) if (this.emergencies[i].seq !== null) return this.emergencies[i];
      return null;
    },

    /** Stops what plays if it is no longer what the speaker should say; then goes on. */
    reconsider: function () {
      const p = this.playing;
      if (p && (p.emergency ? p.emergency !== this.loudest() : this.emergencies.length > 0)) p.stop();
      else this.pump();
    },

    pump: function () {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.playing || this.blocked) return;
      if (this.emergencies.length) {
        // Calls wait; the emergency is said when its time comes.
        const emergency = this.loudest();
        if (!emergency) return;
        const wait = emergency.next - monotonicNow();
        if (wait > 0) this.timer = setTimeout(this.pump.bind(this), wait);
        else this.sayEmergency(emergency);
        return;
      }
      if (!this.queue.length) return;
      const item = this.queue[0];
      const now = serverClock.now();
      const maxAge = item.held ? this.settings.heldCallMaxAgeSeconds * 1000 : SOUND_MAX_AGE_MS;
      if (now !== null && typeof item.at === 'number' && now - item.at > maxAge) {
        // Waited too long (audio was blocked, or an emergency held it): a stale call would only mislead.
        this.queue.shift();
        capPush(debug().sounds, { id: item.seq, kind: item.kind, startedAt: null, endedAt: null, ok: false, skipped: 'stale' });
        this.pump();
        return;
      }
      this.sayCall(item);
    },

    /** The call at the head of the queue, into `PanggilDebug.sounds`; cut off, it stays at the head. */
    sayCall: function (item) {
      const self = this;
      const entry = { id: item.seq, kind: item.kind, startedAt: null, endedAt: null, ok: false };
      this.play(item.seq, function () {
        entry.startedAt = Date.now();
        capPush(debug().sounds, entry);
      }, function (ok, cut) {
        entry.endedAt = Date.now();
        entry.ok = ok;
        if (entry.startedAt === null) entry.startedAt = entry.endedAt;
        if (debug().sounds.indexOf(entry) < 0) capPush(debug().sounds, entry);
        if (cut) entry.interrupted = true;
        else if (self.queue[0] === item) self.queue.shift();
      });
    },

    /** One saying of an emergency, into `PanggilDebug.emergencyPlays`; the next `repeatSeconds` after its start. */
    sayEmergency: function (emergency) {
      const self = this;
      const entry = { seq: emergency.seq, startedAt: null, endedAt: null, ok: false };
      let began = null;
      const current = this.play(emergency.seq, function () {
        began = monotonicNow();
        entry.startedAt = Date.now();
        capPush(debug().emergencyPlays, entry);
      }, function (ok) {
        entry.endedAt = Date.now();
        entry.ok = ok;
        // At least a short silence between two sayings, however long the message (or after a failure).
        const now = monotonicNow();
        emergency.next = Math.max(began === null ? now : began + self.settings.repeatSeconds * 1000, now + EMERGENCY_GAP_MS);
      });
      current.emergency = emergency;
    },

    /**
     * Plays announcement `seq` as `this.playing`: `started()` once it is heard, `done(ok, cut)` once it
     * ended, failed or was stopped (`cut`), then the next thing. Refused autoplay calls neither: the
     * prompt asks for a tap, and the same thing is tried again after it.
     */
    play: function (seq, started, done) {
      const self = this;
      const audio = new root.Audio('/api/announcements/' + encodeURIComponent(seq) + '.wav');
      const current = { emergency: null, stop: function () { finish(false, true); } };
      let finished = false;
      let guard = null;
      this.playing = current;
      function settle() {
        finished = true;
        if (guard) clearTimeout(guard);
        try { audio.pause(); } catch (e) { /* ignore */ }
        if (self.playing === current) self.playing = null;
      }
      function finish(ok, cut) {
        if (finished) return;
        settle();
        done(ok, cut === true);
        self.pump();
      }
      function arm(ms) {
        if (guard) clearTimeout(guard);
        guard = setTimeout(function () { finish(false); }, ms);
      }
      audio.addEventListener('ended', function () { finish(true); });
      audio.addEventListener('error', function () { finish(false); });
      audio.addEventListener('loadedmetadata', function () {
        if (isFinite(audio.duration) && audio.duration > 0) arm(audio.duration * 1000 + 5000);
      });
      arm(20000);
      let playing;
      try {
        playing = audio.play();
      } catch (e) {
        finish(false);
        return current;
      }
      if (playing && typeof playing.then === 'function') {
        playing.then(function () {
          if (!finished) started();
        }, function (err) {
          if (finished) return;
          if (err && err.name === 'NotAllowedError') {
            settle();
            self.block();
          } else {
            finish(false);
          }
        });
      } else {
        started();
      }
      return current;
    }
  };

  // --- Ticker (running text) ----------------------------------------------------------------------

  function renderTicker(text) {
    const el = $('ticker');
    if (!el) return;
    let inner = el.querySelector('.ticker-text');
    if (!inner) {
      el.innerHTML = '<span class="ticker-text"></span>';
      inner = el.querySelector('.ticker-text');
    }
    if (inner.textContent === text && el.__panggilWidth === el.clientWidth) return;
    inner.textContent = text;
    el.__panggilWidth = el.clientWidth;
    el.classList.remove('scrolling');
    inner.style.animationDuration = '';
    // Scroll only what does not fit; a short line stays still.
    if (inner.scrollWidth > el.clientWidth) {
      el.classList.add('scrolling');
      const speed = Math.max(60, root.innerWidth * 0.06); // px per second
      inner.style.animationDuration = Math.round((inner.scrollWidth + el.clientWidth) / speed) + 's';
    }
  }

  // --- Emergency overlay ------------------------------------------------------------------------

  function renderEmergency(items) {
    const el = $('emergency');
    if (!el) return;
    if (!items.length) {
      setHidden(el, true);
      return;
    }
    const textEl = $('emergency-text');
    const wasHidden = el.hidden;
    setHidden(el, false);
    if (setHtml(textEl, emergencyHtml(items.slice().reverse())) || wasHidden) fitHeight(textEl, 0.3);
  }

  /**
   * The emergency texts, newest first as given: each in Indonesian and, under it in smaller type,
   * in English when the broadcast has `textEn`.
   */
  function emergencyHtml(items) {
    return items.map(function (b) {
      return '<div class="emergency-item" data-broadcast="' + escapeHtml(b.id) + '">' +
        '<div class="emergency-id">' + escapeHtml(b.text || '') + '</div>' +
        (b.textEn ? '<div class="emergency-en" lang="en">' + escapeHtml(b.textEn) + '</div>' : '') +
        '</div>';
    }).join('');
  }

  // ---------------------------------------------------------------------------------------------
  // Board pages: hall, portrait, counter.

  // --- Screen markup ------------------------------------------------------------------------------
  // One skeleton, built when the page starts (an index.html only names its layout): the header, the
  // layout's main part, the running text, the connection indicator, the sound prompt and the
  // emergency overlay. Hall and portrait show the same board (their stylesheets differ); the counter
  // page shows one counter. Empty `data-i18n` elements get their text from applyLanguage. Element
  // ids and classes are used by the stylesheets, the code below and automated tests: keep them.

  const SCREENS = {
    board: {
      titles: `<div id="site-name" class="site-name">Panggil</div>
      <div id="display-title" class="display-title"></div>`,
      main: `<main class="board">
    <div class="col-main">
      <section id="latest" class="latest" data-empty="true" aria-live="polite">
        <div class="latest-label"><span id="latest-label">Nomor antrian</span><span id="latest-priority" class="priority-mark" data-i18n="priority" hidden></span></div>
        <div id="latest-number" class="latest-number"></div>
        <div class="latest-label" data-i18n="goTo"></div>
        <div id="latest-counter" class="latest-counter"></div>
        <div id="latest-none" class="latest-none" data-i18n="noCall"></div>
      </section>
      <section class="recent-box">
        <h2 class="section-head"><span data-i18n="recentTitle"></span></h2>
        <div id="recent" class="recent" data-limit="6"></div>
      </section>
    </div>
    <div class="col-side">
      <section class="counters-box">
        <h2 class="section-head"><span data-i18n="countersTitle"></span><span id="counters-page" class="page"></span></h2>
        <div id="counters" class="counters" data-page-size="9"></div>
      </section>
      <section class="services-box">
        <h2 class="section-head"><span data-i18n="servicesTitle"></span><span id="services-page" class="page"></span></h2>
        <div id="services" class="services" data-page-size="8"></div>
      </section>
    </div>
  </main>`
    },
    counter: {
      titles: `<div id="counter-name" class="counter-title">Loket</div>
      <div id="site-name" class="site-name"></div>`,
      main: `<main id="latest" class="counter-main" data-state="open" data-ticket-state="none" aria-live="polite">
    <div id="counter-ticket" class="counter-ticket-big"></div>
    <div class="counter-mark"><span id="counter-priority" class="priority-mark" data-i18n="priority" hidden></span></div>
    <div id="counter-state" class="counter-state-big" data-i18n="connConnecting"></div>
    <div id="counter-note" class="counter-note" hidden></div>
    <div id="counter-services" class="counter-services"></div>
  </main>`
    }
  };

  function screenHtml(layout) {
    const screen = layout === 'counter' ? SCREENS.counter : SCREENS.board;
    return `
  <header class="top">
    <img class="logo" src="/site/logo" alt="">
    <div class="titles">
      ${screen.titles}
    </div>
    <div class="when">
      <div id="clock" class="clock">--.--</div>
      <div id="date" class="date"></div>
    </div>
  </header>

  ${screen.main}

  <footer class="ticker-bar">
    <div id="ticker" class="ticker"><span class="ticker-text"></span></div>
  </footer>

  <div id="connection" data-state="connecting" role="status"><span class="conn-icon" aria-hidden="true"></span><span class="conn-label"></span></div>

  <button id="sound-prompt" type="button" hidden><span class="speaker-icon" aria-hidden="true"></span><span data-i18n="soundPrompt"></span><span class="hint" data-i18n="soundPromptHint"></span></button>

  <div id="emergency" role="alert" hidden>
    <div class="emergency-label"><span class="emergency-icon" aria-hidden="true"></span><span data-i18n="emergencyLabel"></span></div>
    <div id="emergency-text"></div>
  </div>
`;
  }

  /** Puts the layout's markup at the start of the body (before the page's scripts), once. */
  function buildScreen(layout) {
    if (!doc || !doc.body || $('connection')) return;
    doc.body.insertAdjacentHTML('afterbegin', screenHtml(layout));
  }

  const board = {
    layout: null,
    config: null,
    state: emptyState(),
    pages: { counters: 0, services: 0 },
    highlightTimer: null,
    lastLatestKey: null
  };

  function pageOf(list, container, which) {
    const size = parseInt(container.getAttribute('data-page-size') || '0', 10);
    if (!size || list.length <= size) return { items: list, page: 0, total: 1 };
    const total = Math.ceil(list.length / size);
    const page = board.pages[which] % total;
    return { items: list.slice(page * size, page * size + size), page: page, total: total };
  }

  /**
   * The current page of a list longer than its grid (`counters`, `services`) into `#<which>`, one
   * `itemHtml(item)` each, with `Hal. n/total` in `#<which>-page`.
   */
  function renderPaged(which, list, itemHtml) {
    const el = $(which);
    if (!el) return;
    const info = pageOf(list, el, which);
    setText($(which + '-page'), info.total > 1 ? t('page', { n: info.page + 1, total: info.total }) : '');
    setAttr(el, 'data-count', String(info.items.length));
    setHtml(el, info.items.map(itemHtml).join(''));
  }

  function ticketMark(ticket) {
    return ticket && ticket.priority ? '<span class="mark-priority" title="' + escapeHtml(t('priority')) + '">★</span>' : '';
  }

  function renderLatest() {
    const box = $('latest');
    const numberEl = $('latest-number');
    if (!box || !numberEl) return;
    const call = latestCall(board.state);
    const number = call && call.ticket ? call.ticket.number : '';
    const counter = call ? counterName(call.counter) : '';
    const changed = numberEl.textContent !== number || $('latest-counter').textContent !== counter;
    setText(numberEl, number);
    setText($('latest-counter'), counter);
    setAttr(box, 'data-empty', call ? 'false' : 'true');
    setHidden($('latest-priority'), !(call && call.ticket && call.ticket.priority));
    setText($('latest-label'), call && call.recall ? t('recallLabel') : t('latestLabel'));
    setHidden($('latest-none'), !!call);
    if (changed) {
      fitWidth(numberEl, 0.6);
      fitWidth($('latest-counter'), 0.5);
    }
  }

  function renderRecent() {
    const el = $('recent');
    if (!el) return;
    const limit = parseInt(el.getAttribute('data-limit') || '6', 10);
    const html = previousCalls(board.state, limit).map(function (call) {
      return '<div class="recent-call' + (call.recall ? ' is-recall' : '') + '" data-ticket="' + escapeHtml(call.ticket.number) + '">' +
        '<span class="recent-number">' + escapeHtml(call.ticket.number) + ticketMark(call.ticket) + '</span>' +
        '<span class="recent-counter"><span class="recent-arrow" aria-hidden="true">→ </span>' + escapeHtml(counterName(call.counter)) + '</span>' +
        '</div>';
    }).join('');
    setHtml(el, html);
  }

  function renderCounters() {
    renderPaged('counters', board.state.counters, function (c) {
      const state = c.state === 'paused' || c.state === 'closed' ? c.state : 'open';
      const ticket = c.ticket ? c.ticket.number : '';
      return '<div class="counter" data-counter="' + escapeHtml(counterKey(c)) + '" data-state="' + state + '"' +
        (c.ticket ? ' data-ticket-state="' + escapeHtml(c.ticketState || 'called') + '"' : '') + '>' +
        '<div class="counter-name">' + escapeHtml(counterName(c)) + '</div>' +
        '<div class="counter-ticket-row"><span class="counter-ticket">' + escapeHtml(ticket) + '</span>' + ticketMark(c.ticket) + '</div>' +
        '<div class="counter-state">' + escapeHtml(counterStateText(c)) + '</div>' +
        '</div>';
    });
  }

  function renderServices() {
    renderPaged('services', board.state.services, function (s) {
      const waiting = typeof s.waiting === 'number' ? s.waiting : 0;
      return '<div class="service" data-service="' + escapeHtml(s.code) + '">' +
        '<div class="service-name"><span class="service-code">' + escapeHtml(s.code) + '</span> ' + escapeHtml(s.name || '') + '</div>' +
        '<div class="service-stats"><span class="service-count"><span class="service-waiting">' + waiting + '</span> ' +
        '<span class="service-label">' + escapeHtml(t('waiting')) + '</span></span>' +
        '<span class="service-sep" aria-hidden="true"> · </span>' +
        '<span class="service-wait">' + escapeHtml(formatWait(s.estimatedWaitMinutes)) + '</span></div>' +
        '</div>';
    });
  }

  function renderCounterPage() {
    const ticketEl = $('counter-ticket');
    if (!ticketEl) return;
    const config = board.config || {};
    const counters = board.state.counters;
    let counter = null;
    if (config.counter !== null && config.counter !== undefined) {
      counter = counters.filter(function (c) { return sameId(counterKey(c), config.counter); })[0] || null;
    } else if (counters.length === 1) {
      counter = counters[0];
    }
    const main = $('latest') || doc.body;
    if (!counter) {
      setText(ticketEl, '');
      setHidden($('counter-priority'), true);
      showCounterBreak(main, null);
      if (board.state.site) setText($('counter-state'), config.counter ? t('unknownCounter') : t('noCounter'));
      else if (!config.counter) setText($('counter-state'), t('noCounter'));
      return;
    }
    const state = counter.state === 'paused' || counter.state === 'closed' ? counter.state : 'open';
    if (!counter.ticket) endHighlight();
    setAttr(main, 'data-state', state);
    setAttr(main, 'data-ticket-state', counter.ticket ? (counter.ticketState || 'called') : 'none');
    setText($('counter-name'), counterName(counter));
    const number = counter.ticket ? counter.ticket.number : '';
    const changed = ticketEl.textContent !== number;
    setText(ticketEl, number);
    if (changed) fitWidth(ticketEl, 0.5);
    setHidden($('counter-priority'), !(counter.ticket && counter.ticket.priority));
    // A break the schedule posted shows instead of "Tutup" or "Silakan menunggu", with its text.
    const pause = counter.ticket ? null : activeBreak(board.state, counter.services);
    showCounterBreak(main, pause);
    let stateText;
    if (pause) stateText = t('paused');
    else if (state === 'paused') stateText = t('paused');
    else if (state === 'closed') stateText = t('closed');
    else if (!counter.ticket) stateText = t('pleaseWait');
    else stateText = counter.ticketState === 'serving' ? t('counterServing') : t('counterCalled');
    setText($('counter-state'), stateText);
    const names = toArray(counter.services).map(function (code) {
      const s = board.state.services.filter(function (x) { return x.code === code; })[0];
      return s && s.name ? code + ' · ' + s.name : code;
    });
    setText($('counter-services'), names.length ? t('counterServices') + ': ' + names.join(', ') : '');
  }

  /** The break's text under the counter's state (`#counter-note`), or nothing when `broadcast` is null. */
  function showCounterBreak(main, broadcast) {
    const note = $('counter-note');
    setAttr(main, 'data-break', broadcast ? 'true' : 'false');
    if (!note) return;
    const text = broadcast ? (broadcast.text || '') + (broadcast.textEn ? '\n' + broadcast.textEn : '') : '';
    setText(note, text);
    setHidden(note, !text);
  }

  function renderBoard() {
    const state = board.state;
    const config = board.config || {};
    const siteName = state.site && state.site.name ? state.site.name : '';
    if (siteName) setText($('site-name'), siteName);
    setText($('display-title'), config.title || config.zoneName || '');
    renderLatest();
    renderRecent();
    renderCounters();
    renderServices();
    renderCounterPage();
    const notices = activeBroadcasts(state, 'notice').map(noticeLine).filter(Boolean);
    renderTicker(notices.length ? notices.join(' • ') : (siteName ? t('welcome', { site: siteName }) : t('welcomeNoSite')));
    renderEmergency(activeBroadcasts(state, 'emergency'));
  }

  function endHighlight() {
    if (board.highlightTimer) clearTimeout(board.highlightTimer);
    board.highlightTimer = null;
    const box = $('latest');
    if (box) box.classList.remove('highlight');
  }

  function highlight() {
    const box = $('latest');
    if (!box) return;
    // Already highlighted (a burst after a reconnect): keep it on, just extend — no blinking.
    box.classList.add('highlight');
    if (board.highlightTimer) clearTimeout(board.highlightTimer);
    board.highlightTimer = setTimeout(function () {
      board.highlightTimer = null;
      box.classList.remove('highlight');
    }, HIGHLIGHT_MS);
  }

  function counterInScope(counter) {
    const key = counterKey(counter);
    return key !== null && board.state.counters.some(function (c) { return sameId(counterKey(c), key); });
  }

  function onBoardEvent(type, data, lastId) {
    const dbg = noteMessage(type, data, lastId);
    if (type === 'snapshot') hideFatal();
    const before = latestCall(board.state);
    board.state = reduce(board.state, type, data);
    dbg.state = board.state;
    renderBoard();
    let atMs = Date.parse(data.at);
    if (isNaN(atMs)) {
      const parsed = parseTime(data.at);
      atMs = parsed ? parsed.ms : null;
    }
    const now = serverClock.now();
    const fresh = atMs !== null && (now === null || now - atMs < SOUND_MAX_AGE_MS);
    if (type === 'ticket.called' || type === 'ticket.recalled') {
      capPush(dbg.shown, { seq: data.seq, at: atMs, shownAt: Date.now() });
      const after = latestCall(board.state);
      if (board.layout === 'counter') {
        if (sameId(counterKey(data.counter), (board.config || {}).counter) || board.state.counters.length === 1) highlight();
      } else if (after && after !== before) {
        highlight();
      }
      if (sound.enabled && counterInScope(data.counter) && fresh) sound.enqueue(data.seq, atMs, 'call');
    }
    if (!sound.enabled) return;
    if (type === 'snapshot') sound.syncEmergencies(activeBroadcasts(board.state, 'emergency'));
    const b = data.broadcast;
    if (!b || (type !== 'broadcast.started' && type !== 'broadcast.ended')) return;
    // One whose window passed while the server was down starts and ends at once: nothing to say.
    if (type === 'broadcast.started' && b.until && Date.parse(b.until) <= atMs) return;
    // A spoken broadcast's audio is the announcement of its `broadcast.started` event.
    const seq = typeof data.seq === 'number' ? data.seq : b.startedEvent;
    if (b.kind === 'emergency') {
      if (type === 'broadcast.started') sound.startEmergency(b.id, seq);
      else sound.endEmergency(b.id);
    } else if (type === 'broadcast.started' && b.spoken === true && fresh) {
      sound.enqueue(seq, atMs, 'notice');
    }
  }

  function startBoard(layout) {
    board.layout = layout;
    buildScreen(layout);
    applyLanguage('id');
    wireLogos();
    showStatus('connecting');
    startClock();
    renderBoard();
    resolveConfig(layout, function (config) {
      board.config = config;
      applyTheme(config.theme);
      applyLanguage(config.language);
      showStatus(currentStatus);
      renderBoard();
      if (config.speaker) sound.init();
      if (layout === 'counter') {
        if (config.counter) setText($('counter-name'), 'Loket ' + config.counter); // until the snapshot names it
        else if (!config.counters) setText($('counter-state'), t('noCounter'));
      }
      let failures = 0;
      connectStream({
        url: function (lastId) { return withLastEventId(config.stream, lastId); },
        onEvent: onBoardEvent,
        onStatus: showStatus,
        onFailure: function (info) {
          if (!info.closed || !info.beforeAnyMessage) return;
          // A stream refused before it said anything may be a configuration error (unknown zone).
          if (failures++ % 5 === 0) diagnoseStream(info.url);
        }
      });
      // Slow pagination when there are more counters or services than fit.
      setInterval(function () {
        board.pages.counters++;
        board.pages.services++;
        renderCounters();
        renderServices();
      }, PAGE_MS);
    });
    let resizeTimer = null;
    root.addEventListener('resize', function () {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        fitWidth($('latest-number'), 0.6);
        fitWidth($('latest-counter'), 0.5);
        fitWidth($('counter-ticket'), 0.5);
        fitHeight($('emergency-text'), 0.3);
        const ticker = $('ticker');
        if (ticker) ticker.__panggilWidth = -1;
        renderBoard();
      }, 300);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Phone page: one ticket's status, `/t/{code}`.

  const phone = {
    code: null,
    status: null,
    broadcasts: [],
    stream: null,
    checking: false,
    lastCheck: 0
  };

  function ticketCode() {
    const path = (root.location && root.location.pathname) || '';
    const m = /^\/t\/([^\/?#]+)\/?$/.exec(path);
    if (m) return decodeURIComponent(m[1]);
    const q = queryParams();
    return q.code || null;
  }

  function renderPhone() {
    const s = phone.status;
    setHidden($('loading'), true);
    const emergencies = activeBroadcasts({ broadcasts: phone.broadcasts }, 'emergency');
    const emergency = $('emergency');
    if (emergency) {
      setHidden(emergency, !emergencies.length);
      setHtml($('emergency-text'), emergencyHtml(emergencies));
    }
    if (!s || !s.ticket) return;
    setHidden($('ticket'), false);
    const numberEl = $('ticket-number');
    const numberChanged = numberEl && numberEl.textContent !== (s.ticket.number || '');
    setText(numberEl, s.ticket.number || '');
    if (numberChanged) fitWidth(numberEl, 0.5);
    setText($('ticket-service'), s.ticket.service && s.ticket.service.name ? s.ticket.service.name : '');
    setHidden($('ticket-priority'), !s.ticket.priority);
    setText($('ticket-state'), phoneStateText(s));
    if (doc.body) doc.body.setAttribute('data-state', s.state || '');
    const waiting = s.state === 'waiting';
    const ahead = waiting && typeof s.peopleAhead === 'number';
    setHidden($('row-ahead'), !ahead);
    setText($('people-ahead'), ahead ? peopleAheadText(s.peopleAhead) : '');
    const wait = waiting && typeof s.estimatedWaitMinutes === 'number';
    setHidden($('row-wait'), !wait);
    setText($('estimated-wait'), wait ? formatWait(s.estimatedWaitMinutes) : '');
    setText($('now-serving'), s.nowServing ? s.nowServing : '—');
    const called = s.state === 'called';
    setHidden($('called'), !called);
    setText($('called-counter'), called ? t('goToCounter', { counter: counterName(s.counter) || '' }) : '');
    doc.title = (called ? t('yourTurn') + ' ' : '') + (s.ticket.number || '') + ' — ' + t('phoneTitle');
  }

  function showNotFound() {
    setHidden($('loading'), true);
    setHidden($('ticket'), true);
    setHidden($('not-found'), false);
    // Nothing to follow: stop, and do not claim to be reconnecting.
    setHidden($('connection'), true);
    if (phone.stream) phone.stream.stop();
    phone.stream = null;
  }

  function checkTicket() {
    const now = Date.now();
    if (phone.checking || now - phone.lastCheck < 5000) return;
    phone.checking = true;
    phone.lastCheck = now;
    fetchJson('/api/tickets/' + encodeURIComponent(phone.code)).then(function (status) {
      phone.checking = false;
      if (status && status.ticket && !phone.status) {
        phone.status = status;
        renderPhone();
      }
    }, function (err) {
      phone.checking = false;
      if (err && err.status === 404) showNotFound();
    });
  }

  function onPhoneEvent(type, data, lastId) {
    const dbg = noteMessage(type, data, lastId);
    if (type === 'broadcast.started' && data.broadcast) {
      phone.broadcasts = phone.broadcasts.filter(function (b) { return !sameId(b.id, data.broadcast.id); }).concat([data.broadcast]);
    } else if (type === 'broadcast.ended' && data.broadcast) {
      phone.broadcasts = phone.broadcasts.filter(function (b) { return !sameId(b.id, data.broadcast.id); });
    } else if (type === 'snapshot' && Array.isArray(data.broadcasts)) {
      phone.broadcasts = data.broadcasts.slice();
    }
    const wasCalled = phone.status && phone.status.state === 'called';
    if (data.ticket && data.state) phone.status = data;
    dbg.state = phone.status;
    setHidden($('not-found'), true);
    renderPhone();
    if ((type === 'ticket.called' || type === 'ticket.recalled') && data.state === 'called') {
      capPush(dbg.shown, { seq: data.seq, at: Date.parse(data.at), shownAt: Date.now() });
      if (root.navigator && typeof root.navigator.vibrate === 'function') {
        try { root.navigator.vibrate([300, 150, 300]); } catch (e) { /* ignore */ }
      }
      if (!wasCalled && root.scrollTo) root.scrollTo(0, 0);
    }
  }

  function startPhone() {
    const q = queryParams();
    let lang = q.lang || null;
    try { if (!lang && root.localStorage) lang = root.localStorage.getItem('panggil.lang'); } catch (e) { lang = null; }
    applyLanguage(lang || 'id');
    let theme = q.theme || null;
    if (!theme && root.matchMedia && root.matchMedia('(prefers-color-scheme: dark)').matches) theme = 'dark';
    applyTheme(theme || 'light');
    showStatus('connecting');
    startClock();
    const toggle = $('language-toggle');
    if (toggle) {
      setText(toggle, t('otherLanguage'));
      toggle.addEventListener('click', function () {
        applyLanguage(language === 'id' ? 'en' : 'id');
        try { root.localStorage.setItem('panggil.lang', language); } catch (e) { /* private mode */ }
        setText(toggle, t('otherLanguage'));
        showStatus(currentStatus);
        tickClock();
        renderPhone();
      });
    }
    phone.code = ticketCode();
    if (!phone.code) {
      showNotFound();
      return;
    }
    phone.stream = connectStream({
      url: function () { return '/api/events?ticket=' + encodeURIComponent(phone.code); },
      onEvent: onPhoneEvent,
      onStatus: showStatus,
      onFailure: function (info) {
        if (info.beforeAnyMessage) checkTicket();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------

  let started = null;

  function start(layout) {
    debug();
    started = layout || 'hall';
    if (started === 'phone') startPhone();
    else startBoard(started);
  }

  /**
   * Test hook: handle one message exactly as if it came from the stream (same reducer, rendering,
   * highlight, sound and PanggilDebug bookkeeping), e.g. `Panggil.feed('snapshot', {...})`.
   */
  function feed(type, data, lastId) {
    if (!data || typeof data !== 'object') return;
    const id = lastId !== undefined ? lastId : (data.seq !== undefined ? String(data.seq) : null);
    if (started === 'phone') onPhoneEvent(type, data, id);
    else onBoardEvent(type, data, id);
  }

  const Panggil = {
    version: '1',
    EVENT_TYPES: EVENT_TYPES,
    TEXT: TEXT,
    // pure helpers
    t: t,
    parseTime: parseTime,
    zoneLabel: zoneLabel,
    formatDate: formatDate,
    formatClock: formatClock,
    formatWait: formatWait,
    ServerClock: ServerClock,
    emptyState: emptyState,
    reduce: reduce,
    latestCall: latestCall,
    previousCalls: previousCalls,
    activeBroadcasts: activeBroadcasts,
    activeBreak: activeBreak,
    noticeLine: noticeLine,
    counterStateText: counterStateText,
    phoneStateText: phoneStateText,
    peopleAheadText: peopleAheadText,
    buildStreamUrl: buildStreamUrl,
    withLastEventId: withLastEventId,
    backoffDelay: backoffDelay,
    // browser
    start: start,
    feed: feed,
    connectStream: connectStream,
    applyLanguage: applyLanguage,
    applyTheme: applyTheme,
    serverClock: serverClock,
    serverNow: function () { return serverClock.now(); },
    language: function () { return language; },
    board: board,
    phone: phone,
    sound: sound
  };

  if (typeof module === 'object' && module && module.exports) module.exports = Panggil;
  if (root) root.Panggil = Panggil;
})(typeof window !== 'undefined' ? window : this);
