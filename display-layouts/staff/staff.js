/*
 * Panggil staff console (/staff): the page a counter officer keeps open all day.
 *
 * Plain script for Chromium 70 and later: nothing newer than ES2017, no modules, no build step
 * (a repository test greps for the syntax old browsers cannot parse). Time parsing and Indonesian
 * date formatting come from ../shared/panggil.js (the `Panggil` global), loaded before this file.
 *
 * Shape of the page: one view at a time (loading, login, chooser, console), all markup static in
 * index.html. The console's truth is `GET /api/counters/N/queue`; the event stream only says *when*
 * to fetch it again, and carries the announcement outcomes that no REST answer has.
 *
 * Test hooks: the ids in index.html, `?counter=N`, and `window.StaffDebug.requests`
 * (every request this page sent, in order: {method, path, status}).
 */
(function () {
  'use strict';

  const P = window.Panggil;

  // ---------------------------------------------------------------------------------------------
  // Settings

  const REFRESH_DEBOUNCE_MS = 100;    // a burst of events (call + queues + announcement) → one fetch
  const REQUEST_TIMEOUT_MS = 15000;   // an action never leaves the buttons disabled for longer
  const SLOW_REQUEST_MS = 400;        // only then say "Memproses…" (avoids a flicker on every press)
  const HEALTH_POLL_MS = 30000;       // loudspeaker state: is a call going to be announced at all?
  const SAFETY_REFRESH_MS = 60000;    // the stream drives refreshes; this only bounds staleness
  const STREAM_SILENT_REOPEN_MS = 300000; // heartbeats fire no JS event: reopen a silent stream (dead TCP)
  // On opening, the stream is resumed this many log events back instead of starting from a snapshot,
  // so that today's recent no-shows and the current ticket's announcement outcome are known after a
  // reload. The server replays at most 10,000 events and answers a snapshot beyond that.
  const BACKFILL_EVENTS = 2000;
  const NO_SHOW_LIMIT = 30;
  const WAITING_RENDER_LIMIT = 200;
  const DEBUG_LIMIT = 1000;

  const EVENT_TYPES = [
    'snapshot',
    'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.started', 'ticket.completed',
    'ticket.no_show', 'ticket.requeued', 'ticket.transferred', 'ticket.cancelled',
    'counter.changed', 'broadcast.started', 'broadcast.ended',
    'announcement.started', 'announcement.finished'
  ];

  // Site offset when no time string has told us yet; Indonesia's three zones.
  const ZONE_OFFSETS = { 'Asia/Jakarta': 420, 'Asia/Pontianak': 420, 'Asia/Makassar': 480, 'Asia/Jayapura': 540 };

  const COUNTER_STATE_TEXT = { open: 'Buka', paused: 'Istirahat', closed: 'Tutup' };
  const TICKET_STATE_TEXT = { called: 'Dipanggil', serving: 'Sedang dilayani' };
  const ROLE_TEXT = { admin: 'admin', supervisor: 'supervisor', staff: 'petugas' };
  const CONNECTION_TEXT = {
    online: 'Terhubung',
    connecting: 'Menghubungkan…',
    offline: 'Terputus — menyambung kembali…'
  };

  // F-keys → the button they press. F8 is shared by "Istirahat" and "Buka", never both enabled:
  // it presses whichever is.
  const KEY_BUTTONS = {
    F1: ['btn-call-next'], F2: ['btn-recall'], F3: ['btn-start'], F4: ['btn-complete'], F5: ['btn-no-show'],
    F6: ['btn-transfer'], F7: ['btn-call-number'], F8: ['btn-open', 'btn-pause'], F9: ['btn-close']
  };
  const ACTION_BUTTONS = ['btn-call-next', 'btn-recall', 'btn-start', 'btn-complete', 'btn-no-show',
    'btn-transfer', 'btn-call-number', 'btn-pause', 'btn-open', 'btn-close'];

  // ---------------------------------------------------------------------------------------------
  // State

  const S = {
    view: 'loading',
    user: null,            // {name, role, counters}
    site: null,            // GET /api/site
    counter: null,         // the counter number the console works for
    queue: null,           // GET /api/counters/N/queue, patched by action answers until the next fetch
    busy: false,           // an action request is in flight: every action button is disabled
    actionEpoch: 0,        // bumped when an action is sent and answered: older queue answers are stale
    dialog: null,          // 'transfer' | 'number' | null
    numberMode: 'call',    // what the number dialog does: 'call' or 'requeue'
    audio: null,           // /healthz `audio`: {state: connected|connecting|off, reason}
    callSeqs: {},          // ticket id → event ids of its calls and recalls at this counter, ascending
    announcements: {},     // call event id → {phase: started|finished, outcome, reason, at, zone}
    pendingCall: null,     // {id, after}: a ticket this page just called, until the stream shows a call after `after`
    lastSeq: 0,            // the newest event id the stream has delivered
    sentAtSeq: 0,          // lastSeq when the action in flight was sent
    noShows: [],           // today's no-shows of this counter's services, newest first
    offset: null           // the site's UTC offset in minutes, learnt from the times the server sends
  };

  /**
   * Test hooks: `requests` ({method, path, status} of every request, in order; status null while
   * in flight, 0 when the server could not be reached), `events` (stream messages seen), `state`,
   * and `feed(type, data)`, which handles one message exactly as if the stream had sent it.
   */
  const debug = window.StaffDebug = { requests: [], events: [], state: S, feed: null };

  function capPush(list, item) {
    list.push(item);
    if (list.length > DEBUG_LIMIT) list.splice(0, list.length - DEBUG_LIMIT);
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers

  function $(id) {
    return document.getElementById(id);
  }

  function setText(el, text) {
    if (typeof el === 'string') el = $(el);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function setHidden(el, hidden) {
    if (typeof el === 'string') el = $(el);
    if (el && el.hidden !== hidden) el.hidden = hidden;
  }

  function setAttr(el, name, value) {
    if (typeof el === 'string') el = $(el);
    if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function queryParam(name) {
    const search = window.location.search.replace(/^\?/, '');
    const pairs = search ? search.split('&') : [];
    for (let i = 0; i < pairs.length; i++) {
      const eq = pairs[i].indexOf('=');
      const key = decodeURIComponent((eq < 0 ? pairs[i] : pairs[i].slice(0, eq)).replace(/\+/g, ' '));
      if (key === name) return eq < 0 ? '' : decodeURIComponent(pairs[i].slice(eq + 1).replace(/\+/g, ' '));
    }
    return null;
  }

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: the choice is not remembered */ }
  }

  // ---------------------------------------------------------------------------------------------
  // Server time. The laptop's own clock may be wrong; durations ("01:23 since called") are measured
  // against the server: a monotonic clock plus a skew learnt from what the server sends.

  const clock = { skew: null };

  function monotonic() {
    return window.performance && window.performance.now ? window.performance.now() : Date.now();
  }

  /** `authoritative`: the sample is the server's time now (snapshot); otherwise it is a lower bound. */
  function observeServerTime(ms, authoritative) {
    if (typeof ms !== 'number' || isNaN(ms)) return;
    const sample = ms - monotonic();
    if (clock.skew === null || authoritative || sample > clock.skew) clock.skew = sample;
  }

  /** The HTTP `Date` header (whole seconds): only a first estimate, or a correction when far off. */
  function observeDateHeader(res) {
    const header = res && res.headers ? res.headers.get('Date') : null;
    const ms = header ? Date.parse(header) : NaN;
    if (isNaN(ms)) return;
    const estimate = ms + 500;
    const now = serverNow();
    if (clock.skew === null || Math.abs(estimate - now) > 3000) clock.skew = estimate - monotonic();
  }

  function serverNow() {
    return clock.skew === null ? Date.now() : monotonic() + clock.skew;
  }

  function siteOffset() {
    if (S.offset !== null) return S.offset;
    const zone = S.site && S.site.timezone;
    return zone && ZONE_OFFSETS[zone] !== undefined ? ZONE_OFFSETS[zone] : 420;
  }

  /** `YYYY-MM-DD` of the site's local day now. */
  function today() {
    const d = new Date(serverNow() + siteOffset() * 60000);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate());
  }

  function timeMs(text) {
    const parsed = P.parseTime(text);
    return parsed ? parsed.ms : null;
  }

  /** `2026-11-29T10:31:02.000+07:00`: an instant written in the site's offset, like the server's times. */
  function localIso(ms) {
    const offset = siteOffset();
    const d = new Date(Math.floor(ms) + offset * 60000);
    const abs = Math.abs(offset);
    const millis = d.getUTCMilliseconds();
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + 'T' +
      pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + '.' +
      (millis < 100 ? '0' : '') + pad2(millis) + (offset < 0 ? '-' : '+') + pad2(Math.floor(abs / 60)) + ':' + pad2(abs % 60);
  }

  /** `10.31`: the wall-clock time written in the string, in its own offset (the site's). */
  function hhmm(text) {
    const parsed = P.parseTime(text);
    if (!parsed) return '';
    const d = new Date(parsed.ms + parsed.offsetMinutes * 60000);
    return pad2(d.getUTCHours()) + '.' + pad2(d.getUTCMinutes());
  }

  /** `02:13`, or `1:02:13` past an hour. */
  function formatElapsed(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return (h ? h + ':' + pad2(m) : pad2(m)) + ':' + pad2(s);
  }

  /** How long a ticket has waited, at a glance: `< 1 mnt`, `12 mnt`, `1 jam 5 mnt`. */
  function formatWaited(ms) {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes < 1) return '< 1 mnt';
    if (minutes < 60) return minutes + ' mnt';
    return Math.floor(minutes / 60) + ' jam ' + (minutes % 60) + ' mnt';
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP. Every request goes through here, so StaffDebug.requests sees them all in order.

  const NETWORK_MESSAGE = 'Tidak dapat menghubungi server. Periksa jaringan, lalu coba lagi.';
  const TIMEOUT_MESSAGE = 'Server tidak menjawab. Periksa keadaan tiket di layar ini sebelum mencoba lagi.';

  function fallbackMessage(status) {
    if (status === 401) return 'Silakan masuk terlebih dahulu.';
    if (status === 403) return 'Anda tidak boleh melakukan ini.';
    if (status === 404) return 'Tidak ditemukan.';
    if (status === 409) return 'Tidak dapat dilakukan dalam keadaan sekarang.';
    if (status === 429) return 'Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.';
    if (status >= 500) return 'Server sedang bermasalah (HTTP ' + status + '). Coba lagi sebentar lagi.';
    return 'Permintaan ditolak (HTTP ' + status + ').';
  }

  /**
   * Resolves with the parsed JSON answer (null for an empty body); rejects with
   * {status, code, message, retryAfter}: status 0 when the server could not be reached.
   */
  function api(method, path, body) {
    const entry = { method: method, path: path, status: null };
    capPush(debug.requests, entry);
    const init = { method: method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let timer = null;
    let timedOut = false;
    if (typeof window.AbortController === 'function') {
      const controller = new window.AbortController();
      init.signal = controller.signal;
      timer = setTimeout(function () { timedOut = true; controller.abort(); }, REQUEST_TIMEOUT_MS);
    }
    return fetch(path, init).then(function (res) {
      entry.status = res.status;
      observeDateHeader(res);
      return res.text().then(function (text) {
        if (timer) clearTimeout(timer);
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (res.ok) return json;
        const error = json && json.error ? json.error : {};
        const retryAfter = parseInt(res.headers.get('Retry-After') || '', 10);
        throw {
          status: res.status,
          code: error.code || '',
          message: error.message || fallbackMessage(res.status),
          retryAfter: isNaN(retryAfter) ? null : retryAfter
        };
      });
    }, function () {
      if (timer) clearTimeout(timer);
      entry.status = 0;
      throw { status: 0, code: timedOut ? 'timeout' : 'network', message: timedOut ? TIMEOUT_MESSAGE : NETWORK_MESSAGE };
    });
  }

  function backoff(attempt) {
    return P.backoffDelay(attempt);
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  function showView(view) {
    S.view = view;
    document.body.setAttribute('data-view', view);
    setHidden('loading', view !== 'loading');
    setHidden('login', view !== 'login');
    setHidden('chooser', view !== 'chooser');
    setHidden('console', view !== 'console');
    setHidden('user-box', !S.user || view === 'login');
    setHidden('topbar-counter', view !== 'console');
    setHidden('connection', view !== 'console');
    if (view !== 'console') closeDialog();
  }

  function showLoading(text) {
    setText('loading-text', text);
    showView('loading');
  }

  function renderSiteName() {
    setText('site-name', S.site && S.site.name ? S.site.name : '');
  }

  function tickClock() {
    const now = serverNow();
    const offset = siteOffset();
    setText('clock', P.formatClock(now, offset, 'id'));
    setText('date', P.formatDate(now, offset, 'id'));
  }

  // ---------------------------------------------------------------------------------------------
  // Site data (names of counters, services and zones)

  let siteLoading = null;

  /** Resolves once /api/site has been read; retries with back-off while the server is away. */
  function loadSite() {
    if (S.site) return Promise.resolve(S.site);
    if (siteLoading) return siteLoading;
    let attempt = 0;
    siteLoading = new Promise(function (resolve) {
      const load = function () {
        api('GET', '/api/site').then(function (site) {
          S.site = site || {};
          renderSiteName();
          resolve(S.site);
        }, function () {
          setTimeout(load, backoff(attempt++));
        });
      };
      load();
    });
    return siteLoading;
  }

  function siteList(name) {
    return S.site && Array.isArray(S.site[name]) ? S.site[name] : [];
  }

  function counterInfo(number) {
    const list = siteList('counters');
    for (let i = 0; i < list.length; i++) if (String(list[i].number) === String(number)) return list[i];
    return { number: number, name: 'Loket ' + number, services: [] };
  }

  function counterLabel(counter) {
    if (!counter) return '';
    return counter.name || ('Loket ' + counter.number);
  }

  function zoneName(id) {
    const zones = siteList('zones');
    for (let i = 0; i < zones.length; i++) if (zones[i].id === id) return zones[i].name || id;
    return id || '';
  }

  function serviceName(code) {
    const services = siteList('services');
    for (let i = 0; i < services.length; i++) if (services[i].code === code) return services[i].name || code;
    return code;
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in

  let loginBusy = false;
  let loginLockTimer = null;

  function showLogin(message) {
    S.user = null;
    stopConsole();
    showView('login');
    setText('login-error', message || '');
    setAttr('login-error', 'data-kind', message ? 'info' : 'none');
    const nameInput = $('login-name');
    const password = $('login-password');
    password.value = '';
    (nameInput.value ? password : nameInput).focus();
  }

  function lockLogin(seconds) {
    const submit = $('login-submit');
    if (loginLockTimer) clearInterval(loginLockTimer);
    let left = seconds;
    submit.disabled = true;
    setText(submit, 'Tunggu ' + left + ' detik');
    loginLockTimer = setInterval(function () {
      left--;
      if (left > 0) {
        setText(submit, 'Tunggu ' + left + ' detik');
        return;
      }
      clearInterval(loginLockTimer);
      loginLockTimer = null;
      submit.disabled = false;
      setText(submit, 'Masuk');
    }, 1000);
  }

  function onLoginSubmit(event) {
    event.preventDefault();
    if (loginBusy || loginLockTimer) return;
    const name = $('login-name').value.trim();
    const password = $('login-password').value;
    if (!name || !password) {
      setText('login-error', 'Isi nama dan kata sandi.');
      setAttr('login-error', 'data-kind', 'error');
      $(name ? 'login-password' : 'login-name').focus();
      return;
    }
    loginBusy = true;
    const submit = $('login-submit');
    submit.disabled = true;
    setText(submit, 'Memeriksa…');
    setText('login-error', '');
    api('POST', '/api/login', { name: name, password: password }).then(function (user) {
      loginBusy = false;
      submit.disabled = false;
      setText(submit, 'Masuk');
      $('login-password').value = '';
      signedIn(user || { name: name, role: 'staff', counters: [] });
    }, function (err) {
      loginBusy = false;
      submit.disabled = false;
      setText(submit, 'Masuk');
      setText('login-error', err.message);
      setAttr('login-error', 'data-kind', 'error');
      if (err.status === 429 && err.retryAfter) lockLogin(err.retryAfter);
      const password = $('login-password');
      password.value = '';
      password.focus();
    });
  }

  function logout() {
    const button = $('btn-logout');
    if (button.disabled) return;
    button.disabled = true;
    const done = function () {
      button.disabled = false;
      stopConsole();
      resetCounterState();
      S.counter = null; // the next person at this desk chooses their own (remembered per user)
      showLogin('Anda sudah keluar.');
    };
    api('POST', '/api/logout').then(done, function (err) {
      button.disabled = false;
      if (err.status === 401) done();
      else showStatus('error', 'Gagal keluar: ' + err.message);
    });
  }

  /** Any 401 while working: the session ended (expired, logged out elsewhere, password changed). */
  function sessionEnded(err) {
    showLogin(err && err.message ? err.message : 'Sesi Anda sudah berakhir. Silakan masuk lagi.');
  }

  function signedIn(user) {
    S.user = user;
    setText('user-name', user.name + (ROLE_TEXT[user.role] ? ' (' + ROLE_TEXT[user.role] + ')' : ''));
    showLoading('Memuat data loket…');
    loadSite().then(function () {
      if (S.user !== user) return;
      chooseInitialCounter();
    });
  }

  function start() {
    let attempt = 0;
    const ask = function () {
      api('GET', '/api/me').then(function (me) {
        if (me && me.user) signedIn(me.user);
        else showLogin('Halaman ini untuk petugas loket. Masuk dengan akun petugas.');
      }, function (err) {
        if (err.status === 401) {
          showLogin('');
        } else {
          showLoading(err.message + ' Mencoba lagi…');
          setTimeout(ask, backoff(attempt++));
        }
      });
    };
    ask();
  }

  // ---------------------------------------------------------------------------------------------
  // Choosing the counter

  function storageKey() {
    return 'panggil.staff.counter.' + (S.user ? S.user.name : '');
  }

  /** Counter numbers this user may work at: their own, or every counter of the site for an admin. */
  function allowedCounters() {
    if (!S.user) return [];
    if (S.user.role === 'admin') {
      return siteList('counters').map(function (c) { return c.number; });
    }
    return Array.isArray(S.user.counters) ? S.user.counters.slice() : [];
  }

  function isAllowed(number) {
    const allowed = allowedCounters();
    for (let i = 0; i < allowed.length; i++) if (String(allowed[i]) === String(number)) return true;
    return false;
  }

  function parseCounter(value) {
    if (value === null || value === undefined || !/^\s*\d+\s*$/.test(String(value))) return null;
    return parseInt(value, 10);
  }

  function chooseInitialCounter() {
    const allowed = allowedCounters();
    if (!allowed.length) {
      showChooser(S.user && S.user.role === 'supervisor'
        ? 'Akun supervisor tidak melayani loket. Masuk dengan akun petugas loket.'
        : 'Akun ini belum ditugaskan ke loket mana pun. Hubungi admin MPP.');
      return;
    }
    const asked = parseCounter(queryParam('counter'));
    if (asked !== null) {
      if (isAllowed(asked)) { startConsole(asked); return; }
      const known = siteList('counters').some(function (c) { return String(c.number) === String(asked); });
      showChooser(known ? 'Anda tidak bertugas di ' + counterLabel(counterInfo(asked)) + '. Pilih loket Anda:'
        : 'Loket ' + asked + ' tidak ada di situs ini. Pilih loket Anda:');
      return;
    }
    const stored = parseCounter(storageGet(storageKey()));
    if (stored !== null && isAllowed(stored)) { startConsole(stored); return; }
    if (allowed.length === 1) { startConsole(allowed[0]); return; }
    showChooser('Pilih loket tempat Anda bertugas hari ini.');
  }

  function showChooser(message) {
    closeDialog();
    setText('chooser-message', message || 'Pilih loket tempat Anda bertugas hari ini.');
    const allowed = allowedCounters();
    const html = allowed.map(function (number) {
      const info = counterInfo(number);
      const services = (info.services || []).map(function (code) { return code + ' ' + serviceName(code); }).join(' · ');
      const meta = [info.zone ? zoneName(info.zone) : '', services].filter(function (s) { return s; }).join(' — ');
      const current = S.counter !== null && String(S.counter) === String(number);
      return '<button type="button" class="choice' + (current ? ' is-current' : '') + '" data-counter="' +
        escapeHtml(number) + '"' + (current ? ' aria-current="true"' : '') + '>' +
        '<span class="choice-name">' + escapeHtml(counterLabel(info)) + '</span>' +
        (meta ? '<span class="choice-meta">' + escapeHtml(meta) + '</span>' : '') +
        (current ? '<span class="choice-current">Loket Anda sekarang</span>' : '') + '</button>';
    }).join('');
    $('counter-choice').innerHTML = html;
    setHidden('btn-choice-back', S.counter === null || !isAllowed(S.counter));
    showView('chooser');
    const first = document.querySelector('#counter-choice .choice');
    if (first) first.focus();
  }

  function onChoiceClick(event) {
    let el = event.target;
    while (el && el !== event.currentTarget && !el.getAttribute('data-counter')) el = el.parentNode;
    if (!el || el === event.currentTarget) return;
    const number = parseCounter(el.getAttribute('data-counter'));
    if (number !== null) startConsole(number);
  }

  // ---------------------------------------------------------------------------------------------
  // Console lifecycle

  let healthTimer = null;
  let safetyTimer = null;

  function resetCounterState() {
    S.queue = null;
    S.callSeqs = {};
    S.announcements = {};
    S.pendingCall = null;
    S.noShows = [];
    S.busy = false;
    lastWaitingKey = null;
  }

  function startConsole(number) {
    const switching = S.counter === null || String(S.counter) !== String(number) || !stream.source && !stream.retryTimer;
    if (switching) {
      stopConsole();
      resetCounterState();
      S.counter = number;
      showStatus('none', '');
    }
    storageSet(storageKey(), String(number));
    // A reload comes back to the same counter, even when the address named another one.
    if (queryParam('counter') !== null && queryParam('counter') !== String(number) && window.history.replaceState) {
      const search = window.location.search.replace(/([?&])counter=[^&]*/, '$1counter=' + number);
      window.history.replaceState(null, '', window.location.pathname + search + window.location.hash);
    }
    setText('counter-name', counterLabel(counterInfo(number)));
    document.title = counterLabel(counterInfo(number)) + ' — Konsol Petugas Panggil';
    setHidden('btn-change-counter', allowedCounters().length < 2);
    showView('console');
    render();
    if (switching) {
      refreshQueue();
      openStreamWithBackfill(number); // also reads the loudspeaker state
      healthTimer = setInterval(pollHealth, HEALTH_POLL_MS);
      safetyTimer = setInterval(function () { scheduleRefresh(0); }, SAFETY_REFRESH_MS);
    }
  }

  function stopConsole() {
    closeStream();
    if (healthTimer) clearInterval(healthTimer);
    if (safetyTimer) clearInterval(safetyTimer);
    if (refreshTimer) clearTimeout(refreshTimer);
    healthTimer = safetyTimer = refreshTimer = null;
    setConnection('connecting');
  }

  function pollHealth() {
    api('GET', '/healthz').then(function (health) {
      S.audio = health && health.audio ? health.audio : null;
      renderAnnouncement();
    }, function () { /* the connection indicator already tells when the server is away */ });
  }

  // ---------------------------------------------------------------------------------------------
  // Queue refresh: debounced, one in flight, stale answers discarded.

  let refreshTimer = null;
  let refreshInFlight = false;
  let refreshAgain = false;
  let refreshFailures = 0;

  function scheduleRefresh(delay) {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      refreshQueue();
    }, delay === undefined ? REFRESH_DEBOUNCE_MS : delay);
  }

  function refreshQueue() {
    if (S.view !== 'console' && S.view !== 'chooser') return;
    if (S.counter === null) return;
    // An action in flight: its answer schedules a fetch, which sees the queue after it.
    if (S.busy) return;
    if (refreshInFlight) { refreshAgain = true; return; }
    refreshInFlight = true;
    const counter = S.counter;
    const epoch = S.actionEpoch;
    api('GET', '/api/counters/' + encodeURIComponent(counter) + '/queue').then(function (queue) {
      refreshInFlight = false;
      refreshFailures = 0;
      if (String(counter) !== String(S.counter)) return;
      // Sent before an action was answered: it may predate the action. Ask again (once answered).
      if (epoch !== S.actionEpoch) refreshAgain = !S.busy;
      else applyQueue(queue);
      if (refreshAgain) { refreshAgain = false; scheduleRefresh(0); }
    }, function (err) {
      refreshInFlight = false;
      refreshAgain = false;
      if (String(counter) !== String(S.counter)) return;
      if (err.status === 401) { sessionEnded(err); return; }
      if (err.status === 403 || err.status === 404) {
        // No longer this user's counter (an admin changed it): read the user's counters again.
        stopConsole();
        resetCounterState();
        S.counter = null;
        const choose = function () { if (S.user) showChooser(err.message); };
        api('GET', '/api/me').then(function (me) {
          if (me && me.user && S.user) S.user = me.user;
          choose();
        }, choose);
        return;
      }
      if (S.view === 'console' && (!S.queue || err.status !== 0)) showStatus('error', 'Gagal memuat antrean: ' + err.message);
      setTimeout(function () { scheduleRefresh(0); }, backoff(refreshFailures++));
    });
  }

  function applyQueue(queue) {
    if (!queue) return;
    if (queue.since) observeOffset(queue.since);
    S.queue = queue;
    if (queue.counter) setText('counter-name', counterLabel(queue.counter));
    render();
  }

  function observeOffset(text) {
    const parsed = P.parseTime(text);
    if (parsed) S.offset = parsed.offsetMinutes;
  }

  // ---------------------------------------------------------------------------------------------
  // Event stream: our own small client (instead of Panggil.connectStream) because the console opens
  // it resumed a few events back, where no snapshot comes, and must count as connected on `open`.

  const stream = { source: null, counter: null, lastId: null, attempt: 0, retryTimer: null, lastActivity: 0, watchdog: null };
  let connectionState = 'connecting';

  function setConnection(state) {
    connectionState = state;
    setAttr('connection', 'data-state', state);
    setText('connection-text', CONNECTION_TEXT[state]);
  }

  function openStreamWithBackfill(counter) {
    setConnection('connecting');
    api('GET', '/healthz').then(function (health) {
      if (String(counter) !== String(S.counter)) return;
      if (health && health.audio) S.audio = health.audio;
      renderAnnouncement();
      openStream(counter, backfillFrom(health && health.seq));
    }, function () {
      if (String(counter) === String(S.counter)) openStream(counter, null);
    });
  }

  /** The event id to resume from: BACKFILL_EVENTS back, never before the database's first id. */
  function backfillFrom(seq) {
    if (typeof seq !== 'number' || !isFinite(seq) || seq < 0 || seq > 9007199254740991) return null;
    const base = Math.floor(seq / 1e9) * 1e9; // ids start at a multiple of 10^9 per database
    return String(Math.max(base, seq - BACKFILL_EVENTS));
  }

  function openStream(counter, lastId) {
    closeStream();
    stream.counter = counter;
    stream.lastId = lastId;
    stream.attempt = 0;
    connect();
    stream.watchdog = setInterval(function () {
      if (stream.source && stream.source.readyState === 1 && monotonic() - stream.lastActivity > STREAM_SILENT_REOPEN_MS) connect();
    }, 10000);
  }

  function closeStream() {
    if (stream.retryTimer) clearTimeout(stream.retryTimer);
    if (stream.watchdog) clearInterval(stream.watchdog);
    if (stream.source) stream.source.close();
    stream.source = null;
    stream.retryTimer = null;
    stream.watchdog = null;
    stream.counter = null;
  }

  function connect() {
    if (stream.retryTimer) { clearTimeout(stream.retryTimer); stream.retryTimer = null; }
    if (stream.source) { stream.source.close(); stream.source = null; }
    let url = '/api/events?counters=' + encodeURIComponent(stream.counter);
    if (stream.lastId) url += '&last_event_id=' + encodeURIComponent(stream.lastId);
    stream.lastActivity = monotonic();
    let es;
    try {
      es = new window.EventSource(url);
    } catch (e) {
      retryLater();
      return;
    }
    stream.source = es;
    const handle = function (event) {
      if (es !== stream.source) return;
      stream.lastActivity = monotonic();
      if (event.lastEventId) stream.lastId = event.lastEventId;
      let data = null;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && typeof data === 'object') onStreamEvent(event.type, data);
    };
    EVENT_TYPES.forEach(function (type) { es.addEventListener(type, handle); });
    es.onmessage = handle;
    es.onopen = function () {
      if (es !== stream.source) return;
      stream.attempt = 0;
      stream.lastActivity = monotonic();
      setConnection('online');
      // Whatever happened while we were away: fetch the queue rather than trust the replay alone.
      scheduleRefresh();
    };
    es.onerror = function () {
      if (es !== stream.source) return;
      setConnection('offline');
      // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: it gave up (an HTTP
      // error, a 503 when full): our own back-off, resuming from the last id seen.
      if (es.readyState === 2) retryLater();
    };
  }

  function retryLater() {
    if (stream.source) { stream.source.close(); stream.source = null; }
    setConnection('offline');
    if (stream.retryTimer || stream.counter === null) return;
    stream.retryTimer = setTimeout(function () {
      stream.retryTimer = null;
      connect();
    }, backoff(stream.attempt));
    stream.attempt = Math.min(stream.attempt + 1, 10);
  }

  function sameCounter(counter) {
    return counter && String(counter.number !== undefined ? counter.number : counter.id) === String(S.counter);
  }

  function onStreamEvent(type, data) {
    capPush(debug.events, { type: type, seq: data.seq });
    if (typeof data.seq === 'number' && data.seq > S.lastSeq) S.lastSeq = data.seq;
    if (data.at) {
      observeOffset(data.at);
      observeServerTime(timeMs(data.at), type === 'snapshot');
    }
    const ticket = data.ticket;
    switch (type) {
      case 'ticket.called':
      case 'ticket.recalled':
        if (ticket) removeNoShow(ticket.id);
        if (ticket && sameCounter(data.counter) && typeof data.seq === 'number') noteCall(ticket.id, data.seq);
        break;
      case 'announcement.started':
      case 'announcement.finished':
        if (ticket && data.announcement && sameCounter(data.counter)) noteAnnouncement(type, data);
        break;
      case 'ticket.no_show':
        if (ticket) addNoShow(ticket, data.at, data.counter);
        break;
      case 'ticket.requeued':
      case 'ticket.cancelled':
      case 'ticket.transferred':
        if (ticket) removeNoShow(ticket.id);
        break;
      default:
        break;
    }
    renderAnnouncement();
    renderNoShows();
    scheduleRefresh();
  }

  // ---------------------------------------------------------------------------------------------
  // Announcement status of the current ticket

  function noteCall(ticketId, seq) {
    const key = String(ticketId);
    const list = (S.callSeqs[key] || []).filter(function (s) { return s !== seq; });
    list.push(seq);
    list.sort(function (a, b) { return a - b; });
    S.callSeqs[key] = list.slice(-10);
    pruneCalls();
  }

  function noteAnnouncement(type, data) {
    const a = data.announcement;
    const id = typeof a.id === 'number' ? a.id : parseInt(a.id, 10);
    if (isNaN(id)) return;
    noteCall(data.ticket.id, id); // the call itself may predate what this page has seen
    const entry = S.announcements[String(id)] || {};
    if (type === 'announcement.started') {
      // An announcement restarted after an emergency cut it off starts again: playing once more.
      entry.phase = 'started';
      entry.outcome = null;
      entry.reason = null;
    } else {
      entry.phase = 'finished';
      entry.outcome = a.outcome || 'played';
      entry.reason = a.reason || '';
    }
    entry.at = data.at || '';
    entry.zone = a.zone || (data.counter && data.counter.zone) || '';
    S.announcements[String(id)] = entry;
  }

  /** Keeps the bookkeeping small on a long day: only the most recent tickets' calls matter. */
  function pruneCalls() {
    const keys = Object.keys(S.callSeqs);
    if (keys.length <= 40) return;
    keys.sort(function (a, b) {
      const la = S.callSeqs[a];
      const lb = S.callSeqs[b];
      return la[la.length - 1] - lb[lb.length - 1];
    });
    keys.slice(0, keys.length - 40).forEach(function (key) {
      S.callSeqs[key].forEach(function (seq) { delete S.announcements[String(seq)]; });
      delete S.callSeqs[key];
    });
  }

  /** {state, text} of the announcement line for the current ticket. */
  function announcementView() {
    const q = S.queue;
    const ticket = q && q.ticket ? q.ticket : null;
    if (!ticket) return { state: 'none', text: '' };
    const audio = S.audio || {};
    const waitingText = function () {
      if (audio.state === 'off') return { state: 'off', text: 'Pengeras suara tidak dipakai server ini: panggilan tidak diumumkan.' };
      if (audio.state === 'connecting') {
        return { state: 'queued', text: 'Menunggu pengeras suara tersambung' + (audio.reason ? ' (' + audio.reason + ')' : '') + '…' };
      }
      return { state: 'queued', text: 'Menunggu giliran diumumkan…' };
    };
    const seqs = S.callSeqs[String(ticket.id)] || [];
    // Called by this page, and the stream has not shown that call yet (its event may also come
    // before the HTTP answer: hence "a call after the id we had seen when sending").
    const pending = S.pendingCall;
    if (pending && String(pending.id) === String(ticket.id) && !(seqs.length && seqs[seqs.length - 1] > pending.after)) {
      return waitingText();
    }
    let skipped = false;
    for (let i = seqs.length - 1; i >= 0; i--) {
      const a = S.announcements[String(seqs[i])];
      if (!a) {
        // This call has not reached the loudspeakers yet (calls of one zone wait their turn).
        if (i === seqs.length - 1 || skipped) return waitingText();
        continue;
      }
      if (a.phase === 'started') return { state: 'playing', text: 'Sedang diumumkan…' };
      if (a.outcome === 'skipped') {
        // Said once with an earlier call of the same ticket: that call's outcome is the one to show.
        skipped = true;
        continue;
      }
      if (a.outcome === 'played') {
        const where = zoneName(a.zone);
        return { state: 'played', text: 'Diumumkan ' + hhmm(a.at) + (where ? ' di ' + where : '') };
      }
      if (a.outcome === 'interrupted') {
        return { state: 'queued', text: 'Terpotong peringatan darurat — akan diumumkan lagi.' };
      }
      const reason = a.reason || (a.outcome === 'dropped' ? 'terlalu lama menunggu giliran' : 'sebab tidak diketahui');
      return { state: 'failed', text: 'Gagal diumumkan: ' + reason };
    }
    if (skipped) return { state: 'played', text: 'Digabung dengan panggilan sebelumnya.' };
    if (audio.state === 'off') return waitingText();
    return { state: 'unknown', text: '' };
  }

  function renderAnnouncement() {
    const view = announcementView();
    setText('announcement', view.text);
    setAttr('announcement', 'data-state', view.state);
  }

  // ---------------------------------------------------------------------------------------------
  // Today's no-shows (from the stream; the opening backfill brings the recent ones)

  function addNoShow(ticket, at, counter) {
    removeNoShow(ticket.id);
    S.noShows.unshift({
      id: ticket.id,
      number: ticket.number || String(ticket.id),
      service: ticket.service || null,
      priority: !!ticket.priority,
      at: at || '',
      counter: counter || null
    });
    if (S.noShows.length > NO_SHOW_LIMIT) S.noShows.length = NO_SHOW_LIMIT;
  }

  function removeNoShow(id) {
    S.noShows = S.noShows.filter(function (n) { return String(n.id) !== String(id); });
  }

  function renderNoShows() {
    const day = today();
    // Numbers restart every day: yesterday's A-012 is not today's.
    const list = S.noShows.filter(function (n) { return !n.at || n.at.slice(0, 10) === day; });
    const html = list.map(function (n) {
      const meta = [n.service ? n.service.name || n.service.code : '', n.at ? hhmm(n.at) : '',
        n.counter && !sameCounter(n.counter) ? counterLabel(n.counter) : ''].filter(function (s) { return s; }).join(' · ');
      return '<li class="noshow-ticket" data-ticket="' + escapeHtml(n.number) + '">' +
        '<span class="noshow-number">' + escapeHtml(n.number) + '</span>' +
        (n.priority ? '<span class="priority-mark small">★ Prioritas</span>' : '') +
        '<span class="noshow-meta">' + escapeHtml(meta) + '</span>' +
        '<button type="button" class="small-button requeue-button" data-requeue="' + escapeHtml(n.id) + '" data-number="' +
        escapeHtml(n.number) + '"' + (S.busy ? ' disabled' : '') + '>Masukkan lagi</button></li>';
    }).join('');
    const el = $('no-shows');
    if (el.__html !== html) {
      el.__html = html;
      el.innerHTML = html;
    }
    setHidden('no-shows-empty', list.length > 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering the console

  let lastWaitingKey = null;

  function render() {
    if (S.view !== 'console' && S.view !== 'chooser') return;
    renderCurrent();
    renderWaiting();
    renderAnnouncement();
    renderNoShows();
    renderButtons();
  }

  function renderCurrent() {
    const q = S.queue;
    const ticket = q && q.ticket ? q.ticket : null;
    const state = q ? q.state : null;
    setText('counter-state', state ? COUNTER_STATE_TEXT[state] || state : '');
    setAttr('counter-state', 'data-state', state || 'unknown');
    setAttr('current', 'data-ticket-state', ticket ? q.ticketState || 'called' : 'none');
    setText('current-number', ticket ? ticket.number || '' : '');
    setText('current-service', ticket && ticket.service ? ticket.service.name || ticket.service.code || '' : '');
    setHidden('current-priority', !(ticket && ticket.priority));
    setText('current-state', ticket ? TICKET_STATE_TEXT[q.ticketState] || '' : '');
    let empty = '';
    if (!q) empty = 'Memuat antrean…';
    else if (!ticket && state === 'closed') empty = 'Loket tutup. Tekan Buka (F8) untuk mulai melayani.';
    else if (!ticket && state === 'paused') empty = 'Loket istirahat. Tekan Buka (F8) untuk melayani lagi.';
    else if (!ticket) empty = 'Belum ada tiket dipanggil. Tekan Panggil berikutnya (F1).';
    setText('current-empty', empty);
    setHidden('current-empty', !!ticket);
    tickSince();
  }

  function tickSince() {
    const q = S.queue;
    const since = q && q.ticket && q.since ? timeMs(q.since) : null;
    setText('current-since', since === null ? '' : formatElapsed(serverNow() - since));
  }

  function renderWaiting() {
    const q = S.queue;
    const waiting = q && Array.isArray(q.waiting) ? q.waiting : [];
    setText('waiting-count', q ? '(' + waiting.length + ')' : '');
    setHidden('waiting-empty', !q || waiting.length > 0);
    const shown = waiting.slice(0, WAITING_RENDER_LIMIT);
    const key = shown.map(function (t) { return t.id + ':' + t.number + ':' + (t.priority ? 1 : 0) + ':' + t.queuedAt; }).join('|') +
      '/' + waiting.length;
    if (key !== lastWaitingKey) {
      lastWaitingKey = key;
      let html = shown.map(function (t, i) {
        return '<li class="waiting-ticket' + (t.priority ? ' is-priority' : '') + (i === 0 ? ' is-next' : '') +
          '" data-ticket="' + escapeHtml(t.number) + '">' +
          '<span class="waiting-position">' + (i + 1) + '</span>' +
          '<span class="waiting-number">' + escapeHtml(t.number) + '</span>' +
          '<span class="waiting-info"><span class="waiting-service">' +
          escapeHtml(t.service ? t.service.name || t.service.code : '') + '</span>' +
          (t.priority ? '<span class="priority-mark small">★ Prioritas</span>' : '') + '</span>' +
          '<span class="waiting-age" data-queued="' + escapeHtml(t.queuedAt || '') + '"></span></li>';
      }).join('');
      if (waiting.length > shown.length) {
        html += '<li class="waiting-more">dan ' + (waiting.length - shown.length) + ' lainnya</li>';
      }
      $('waiting').innerHTML = html;
    }
    tickWaiting();
  }

  function tickWaiting() {
    const now = serverNow();
    const ages = document.querySelectorAll('#waiting .waiting-age');
    for (let i = 0; i < ages.length; i++) {
      const queued = timeMs(ages[i].getAttribute('data-queued'));
      setText(ages[i], queued === null ? '' : formatWaited(now - queued));
    }
  }

  function setEnabled(id, enabled) {
    const el = $(id);
    if (el && el.disabled === enabled) el.disabled = !enabled;
  }

  /** Which actions make sense now; every one is off while a request is in flight. */
  function availability() {
    const q = S.queue;
    const state = q ? q.state : null;
    const ticket = q && q.ticket ? q.ticket : null;
    const ts = ticket ? q.ticketState : null;
    return {
      'btn-call-next': state === 'open' && !ticket,
      'btn-recall': ts === 'called',
      'btn-start': ts === 'called',
      'btn-complete': ts === 'serving',
      'btn-no-show': ts === 'called',
      'btn-transfer': !!ticket,
      'btn-call-number': state === 'open' && !ticket,
      'btn-pause': state === 'open' && !ticket,
      'btn-open': !!state && state !== 'open',
      'btn-close': !!state && state !== 'closed' && !ticket
    };
  }

  function mainAction() {
    const q = S.queue;
    if (!q) return null;
    if (q.state !== 'open') return 'btn-open';
    if (!q.ticket) return 'btn-call-next';
    return q.ticketState === 'serving' ? 'btn-complete' : 'btn-start';
  }

  function renderButtons() {
    const ok = availability();
    const main = mainAction();
    ACTION_BUTTONS.forEach(function (id) {
      setEnabled(id, !S.busy && !!ok[id]);
      const el = $(id);
      if (el) el.classList.toggle('is-main', id === main && !!ok[id]);
    });
    const requeues = document.querySelectorAll('.requeue-button');
    for (let i = 0; i < requeues.length; i++) requeues[i].disabled = S.busy;
    setEnabled('btn-requeue-number', !S.busy);
    setEnabled('number-submit', !S.busy);
    const services = document.querySelectorAll('#transfer-services button');
    for (let i = 0; i < services.length; i++) services[i].disabled = S.busy;
    document.body.classList.toggle('is-busy', S.busy);
  }

  /** Why a pressed shortcut did nothing, in the officer's words. */
  function whyUnavailable(id) {
    const q = S.queue;
    if (!q) return 'Antrean loket belum termuat.';
    const ticket = q.ticket;
    const label = ticket ? ticket.number : '';
    if (id === 'btn-call-next' || id === 'btn-call-number') {
      if (q.state !== 'open') return 'Loket ' + (q.state === 'paused' ? 'istirahat' : 'tutup') + '. Tekan Buka (F8) dulu.';
      if (ticket) return 'Selesaikan, tandai tidak hadir, atau alihkan ' + label + ' dulu.';
    }
    if (id === 'btn-pause' || id === 'btn-close') {
      if (ticket) return 'Loket masih memegang ' + label + '. Selesaikan atau alihkan dulu.';
      if (id === 'btn-close' && q.state === 'closed') return 'Loket sudah tutup.';
    }
    if (!ticket && (id === 'btn-recall' || id === 'btn-start' || id === 'btn-complete' || id === 'btn-no-show' || id === 'btn-transfer')) {
      return 'Belum ada tiket yang dipanggil.';
    }
    if (id === 'btn-complete') return 'Tekan Mulai layani (F3) dulu, setelah warga datang ke loket.';
    if (id === 'btn-recall' || id === 'btn-start' || id === 'btn-no-show') return label + ' sedang dilayani.';
    return '';
  }

  // ---------------------------------------------------------------------------------------------
  // Status line

  let statusSlowTimer = null;

  function showStatus(kind, text) {
    const el = $('status-line');
    setText(el, text);
    setAttr(el, 'data-kind', text ? kind : 'none');
    // The time goes in an attribute (shown by CSS), so that the line's text is exactly the message.
    setAttr(el, 'data-time', text ? hhmm(localIso(serverNow())) : '');
  }

  // ---------------------------------------------------------------------------------------------
  // Actions

  /** The current ticket as the queue shows it, after a lifecycle answer (the ticket JSON). */
  function applyTicketAnswer(answer) {
    if (!S.queue || !answer) return;
    const q = Object.assign({}, S.queue);
    if (answer.state === 'called' || answer.state === 'serving') {
      q.ticket = { id: answer.id, number: answer.number, service: answer.service, priority: !!answer.priority };
      const changed = q.ticketState !== answer.state || !S.queue.ticket || String(S.queue.ticket.id) !== String(answer.id);
      q.ticketState = answer.state;
      if (changed) {
        const since = answer.state === 'serving' ? answer.startedAt : answer.calledAt;
        q.since = since || localIso(serverNow());
      }
      if (Array.isArray(q.waiting)) q.waiting = q.waiting.filter(function (t) { return String(t.id) !== String(answer.id); });
    } else if (S.queue.ticket && String(S.queue.ticket.id) === String(answer.id)) {
      delete q.ticket;
      delete q.ticketState;
      delete q.since;
    }
    S.queue = q;
  }

  /**
   * Sends one action. Everything is disabled synchronously, before the request leaves, so a second
   * click or key press in the same instant finds the buttons disabled and does nothing.
   */
  function perform(method, path, body, onSuccess, onError) {
    if (S.busy) return;
    S.busy = true;
    S.actionEpoch++;
    S.sentAtSeq = S.lastSeq;
    renderButtons();
    if (statusSlowTimer) clearTimeout(statusSlowTimer);
    statusSlowTimer = setTimeout(function () { showStatus('busy', 'Memproses…'); }, SLOW_REQUEST_MS);
    const counter = S.counter;
    api(method, path, body).then(function (answer) {
      finish();
      if (String(counter) !== String(S.counter)) return;
      onSuccess(answer);
      render();
      scheduleRefresh(0);
    }, function (err) {
      finish();
      if (err.status === 401) { sessionEnded(err); return; }
      if (String(counter) !== String(S.counter)) return;
      if (err.code === 'queue_empty') showStatus('info', 'Tidak ada antrean');
      else showStatus('error', err.message);
      if (onError) onError(err);
      render();
      // The refusal may mean this screen is behind (another desk, the CLI): look again.
      scheduleRefresh(0);
    });
    function finish() {
      if (statusSlowTimer) clearTimeout(statusSlowTimer);
      statusSlowTimer = null;
      S.busy = false;
      S.actionEpoch++;
    }
  }

  function counterPath(action) {
    return '/api/counters/' + encodeURIComponent(S.counter) + '/' + action;
  }

  function ticketPath(id, action) {
    return '/api/tickets/' + encodeURIComponent(id) + '/' + action;
  }

  function currentTicket() {
    return S.queue && S.queue.ticket ? S.queue.ticket : null;
  }

  function ticketStep(action, message) {
    const ticket = currentTicket();
    if (!ticket) return;
    perform('POST', ticketPath(ticket.id, action), undefined, function (answer) {
      if (answer) applyTicketAnswer(answer);
      if (action === 'recall') S.pendingCall = { id: ticket.id, after: S.sentAtSeq };
      if (action === 'no-show' && answer) addNoShow(answer, answer.finishedAt || localIso(serverNow()), S.queue && S.queue.counter);
      showStatus('ok', message.replace('{n}', ticket.number));
    });
  }

  function called(answer) {
    applyTicketAnswer(answer);
    if (answer) {
      S.pendingCall = { id: answer.id, after: S.sentAtSeq };
      removeNoShow(answer.id);
    }
    showStatus('ok', (answer ? answer.number : 'Tiket') + ' dipanggil ke ' + counterLabel(counterInfo(S.counter)) + '.');
  }

  function setCounterState(action, message) {
    perform('POST', counterPath(action), undefined, function (answer) {
      if (S.queue && answer && answer.state) S.queue = Object.assign({}, S.queue, { state: answer.state });
      showStatus('ok', message);
    });
  }

  const ACTIONS = {
    'call-next': function () { perform('POST', counterPath('call-next'), undefined, called); },
    'recall': function () { ticketStep('recall', '{n} dipanggil ulang.'); },
    'start': function () { ticketStep('start', 'Mulai melayani {n}.'); },
    'complete': function () { ticketStep('complete', '{n} selesai dilayani.'); },
    'no-show': function () { ticketStep('no-show', '{n} ditandai tidak hadir.'); },
    'transfer': function () { openTransferDialog(); },
    'call-number': function () { openNumberDialog('call'); },
    'pause': function () { setCounterState('pause', 'Loket istirahat. Tekan Buka (F8) untuk melayani lagi.'); },
    'open': function () { setCounterState('open', 'Loket dibuka.'); },
    'close': function () { setCounterState('close', 'Loket ditutup.'); }
  };

  function onActionClick(event) {
    const button = event.currentTarget;
    if (button.disabled || S.busy || S.dialog) return;
    const run = ACTIONS[button.getAttribute('data-action')];
    if (run) run();
  }

  function requeue(id, number) {
    perform('POST', ticketPath(id, 'requeue'), undefined, function (answer) {
      removeNoShow(id);
      closeDialog();
      showStatus('ok', ((answer && answer.number) || number) + ' dimasukkan lagi ke antrean.');
    }, function (err) {
      if (S.dialog === 'number') setText('number-error', err.message);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Dialogs

  let dialogReturnFocus = null;

  function openDialog(name) {
    closeDialog();
    S.dialog = name;
    dialogReturnFocus = document.activeElement;
    setHidden(name + '-dialog', false);
  }

  function closeDialog() {
    if (!S.dialog) return;
    setHidden(S.dialog + '-dialog', true);
    S.dialog = null;
    if (dialogReturnFocus && dialogReturnFocus.focus && document.body.contains(dialogReturnFocus)) dialogReturnFocus.focus();
    dialogReturnFocus = null;
  }

  function openNumberDialog(mode) {
    S.numberMode = mode;
    openDialog('number');
    setText('number-title', mode === 'requeue' ? 'Masukkan lagi ke antrean' : 'Panggil nomor');
    setText('number-label', mode === 'requeue' ? 'Nomor tiket yang tidak hadir' : 'Nomor tiket yang menunggu');
    setText('number-submit', mode === 'requeue' ? 'Masukkan lagi' : 'Panggil');
    setText('number-error', '');
    const input = $('number-input');
    input.value = '';
    input.focus();
  }

  function onNumberSubmit(event) {
    event.preventDefault();
    if (S.busy) return;
    const value = $('number-input').value.replace(/\s+/g, '').toUpperCase();
    if (!/^[A-Z]{1,2}-?\d{1,4}$/.test(value) && !/^\d+$/.test(value)) {
      setText('number-error', 'Tulis nomor tiket seperti A-012.');
      $('number-input').focus();
      return;
    }
    setText('number-error', '');
    if (S.numberMode === 'requeue') {
      requeue(value, value);
      return;
    }
    perform('POST', counterPath('call'), { ticket: value }, function (answer) {
      closeDialog();
      called(answer);
    }, function (err) {
      setText('number-error', err.message);
      $('number-input').focus();
    });
  }

  function transferTargets() {
    const ticket = currentTicket();
    const own = ticket && ticket.service ? ticket.service.code : null;
    // Its own service is refused by the API (same_service): not offered.
    return siteList('services').filter(function (s) { return s.code !== own; });
  }

  function agencyName(id) {
    const agencies = siteList('agencies');
    for (let i = 0; i < agencies.length; i++) if (agencies[i].id === id) return agencies[i].name || id;
    return id || '';
  }

  function openTransferDialog() {
    const ticket = currentTicket();
    if (!ticket) return;
    openDialog('transfer');
    setText('transfer-ticket', ticket.number);
    setText('transfer-error', '');
    const filter = $('transfer-filter');
    filter.value = '';
    renderTransferServices();
    filter.focus();
  }

  function renderTransferServices() {
    const words = $('transfer-filter').value.trim().toLowerCase();
    const matches = transferTargets().filter(function (s) {
      if (!words) return true;
      const agency = agencyName(s.agency).toLowerCase();
      return s.code.toLowerCase() === words || (s.name || '').toLowerCase().indexOf(words) >= 0 || agency.indexOf(words) >= 0;
    });
    // An exact code match first, so that typing "B" then Enter picks service B.
    matches.sort(function (a, b) {
      return (a.code.toLowerCase() === words ? 0 : 1) - (b.code.toLowerCase() === words ? 0 : 1);
    });
    const html = matches.map(function (s, i) {
      return '<button type="button" class="service-choice' + (i === 0 && words ? ' is-first' : '') + '" data-service="' +
        escapeHtml(s.code) + '"' + (S.busy ? ' disabled' : '') + '><span class="service-code">' + escapeHtml(s.code) +
        '</span><span class="service-text"><span class="service-name">' + escapeHtml(s.name || s.code) + '</span>' +
        '<span class="service-agency">' + escapeHtml(agencyName(s.agency)) + '</span></span></button>';
    }).join('');
    $('transfer-services').innerHTML = html || '<div class="list-empty">Tidak ada layanan yang cocok.</div>';
  }

  function transferTo(code) {
    const ticket = currentTicket();
    if (!ticket || S.busy) return;
    perform('POST', ticketPath(ticket.id, 'transfer'), { service: code }, function (answer) {
      closeDialog();
      applyTicketAnswer(answer ? Object.assign({}, answer, { state: answer.state || 'waiting' }) : { id: ticket.id, state: 'waiting' });
      showStatus('ok', ticket.number + ' dialihkan ke ' + code + ' — ' + serviceName(code) + '.');
    }, function (err) {
      setText('transfer-error', err.message);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Keyboard

  function onKeyDown(event) {
    const key = event.key;
    if (key === 'Escape' || key === 'Esc') {
      if (S.dialog) {
        event.preventDefault();
        closeDialog();
      }
      return;
    }
    const ids = KEY_BUTTONS[key];
    if (!ids || S.view !== 'console') return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // The browser's own meaning (help, find, reload, address bar, caret browsing) never applies here.
    event.preventDefault();
    if (event.repeat || S.busy) return;
    if (S.dialog) return;
    let button = null;
    for (let i = 0; i < ids.length && !button; i++) {
      const el = $(ids[i]);
      if (el && !el.disabled) button = el;
    }
    // None enabled: the last one explains why (for F8, "Istirahat": the counter is open but busy).
    if (!button) button = $(ids[ids.length - 1]);
    if (!button) return;
    if (button.disabled) {
      const why = whyUnavailable(button.id);
      if (why) showStatus('info', why);
      return;
    }
    const run = ACTIONS[button.getAttribute('data-action')];
    if (run) run();
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function wire() {
    $('login-form').addEventListener('submit', onLoginSubmit);
    $('btn-logout').addEventListener('click', logout);
    $('btn-change-counter').addEventListener('click', function () {
      if (S.busy) return;
      showChooser('Pilih loket tempat Anda bertugas.');
    });
    $('btn-choice-back').addEventListener('click', function () {
      if (S.counter !== null) startConsole(S.counter);
    });
    $('counter-choice').addEventListener('click', onChoiceClick);
    ACTION_BUTTONS.forEach(function (id) { $(id).addEventListener('click', onActionClick); });
    $('no-shows').addEventListener('click', function (event) {
      const el = event.target;
      if (!el || !el.getAttribute || !el.getAttribute('data-requeue') || el.disabled || S.busy) return;
      requeue(el.getAttribute('data-requeue'), el.getAttribute('data-number'));
    });
    $('btn-requeue-number').addEventListener('click', function () {
      if (!S.busy) openNumberDialog('requeue');
    });
    $('number-form').addEventListener('submit', onNumberSubmit);
    $('number-cancel').addEventListener('click', closeDialog);
    $('transfer-cancel').addEventListener('click', closeDialog);
    $('transfer-filter').addEventListener('input', renderTransferServices);
    $('transfer-filter').addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      const first = document.querySelector('#transfer-services button');
      if (first && !first.disabled) transferTo(first.getAttribute('data-service'));
    });
    $('transfer-services').addEventListener('click', function (event) {
      let el = event.target;
      while (el && el !== event.currentTarget && !(el.getAttribute && el.getAttribute('data-service'))) el = el.parentNode;
      if (!el || el === event.currentTarget || el.disabled) return;
      transferTo(el.getAttribute('data-service'));
    });
    // A click on the dimmed backdrop closes a dialog, as Esc does.
    ['transfer-dialog', 'number-dialog'].forEach(function (id) {
      $(id).addEventListener('click', function (event) {
        if (event.target === event.currentTarget && !S.busy) closeDialog();
      });
    });
    document.addEventListener('keydown', onKeyDown);
  }

  function init() {
    const theme = queryParam('theme');
    if (theme === 'dark' || theme === 'light') document.documentElement.setAttribute('data-theme', theme);
    wire();
    showView('loading');
    tickClock();
    setInterval(function () {
      tickClock();
      if (S.view === 'console') {
        tickSince();
        tickWaiting();
      }
    }, 1000);
    loadSite(); // in parallel with /api/me: both are needed before the console can open
    start();
  }

  debug.feed = function (type, data) {
    if (data && typeof data === 'object') onStreamEvent(type, data);
  };

  if (!P) {
    document.getElementById('loading-text').textContent = 'Berkas /layouts/shared/panggil.js tidak termuat. Muat ulang halaman.';
    return;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
