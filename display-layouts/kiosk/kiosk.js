/*
 * Panggil ticket kiosk (/kiosk): a touch screen with a thermal printer where citizens take a queue
 * number. Three taps: agency, service, regular or priority queue; then the ticket is printed.
 *
 * Written for old kiosk browsers (Chromium 70 and later): one plain script, ES2017 at most, no build
 * step. The pure parts (date and text formatting) do not touch `document` when the file loads, so node
 * can require and check them:
 *
 *     const K = require('./kiosk.js');
 *     K.formatIssued('2026-11-29T10:31:02.000+07:00');   // 'Minggu, 29 November 2026 · 10.31 WIB'
 *
 * Setup: a technician opens /kiosk?token=TOKEN once (the token of a kiosk device made on /admin), and
 * adds &paper=58 for 58 mm paper. Both are kept in localStorage; the token is removed from the address
 * bar at once so that it does not linger in the history or on a photo of the screen.
 *
 * For tests: every print goes through `printTicket()`, which counts in `window.KioskDebug.printed`
 * and calls whatever `window.print` is at that moment (a test may replace it).
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // Constants

  const IDLE_MS = 20000;              // back to the first step after this long without a touch
  const GHOST_TAP_MS = 450;           // see tapAllowed()
  const QR_WAIT_MS = 3000;            // longest wait for the QR image before printing anyway
  const ISSUE_TIMEOUT_MS = 20000;
  const STATUS_TIMEOUT_MS = 4000;
  const SITE_RETRY_MS = 5000;
  const SITE_REFRESH_MS = 5 * 60000;  // pick up an edited site file without anyone touching the kiosk
  const TOKEN_CHECK_MS = 60000;
  const TOKEN_KEY = 'panggil.kiosk.token';
  const PAPER_KEY = 'panggil.kiosk.paper';
  // The printable width of thermal rolls: the print head does not reach the paper's edges.
  const PRINTABLE_MM = { '58': 48, '80': 72 };
  const NUMBER_MAX_MM = { '58': 15, '80': 20 };

  const DAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
  const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
    'Oktober', 'November', 'Desember'];

  const TEXT = {
    setupMissingTitle: 'Kios belum diatur',
    setupMissing: 'Untuk teknisi: buka /kiosk?token=… dari halaman admin (/admin, bagian Perangkat: buat perangkat jenis kios) di peramban kios ini.',
    setupRevokedTitle: 'Token kios dicabut atau tidak valid',
    setupRevoked: 'Untuk teknisi: buat token baru di halaman admin (/admin, bagian Perangkat), lalu buka /kiosk?token=… di peramban kios ini.',
    loading: 'Memuat layanan…',
    siteUnavailable: 'Daftar layanan belum dapat dimuat. Mencoba lagi…',
    noServices: 'Belum ada layanan yang dapat dipilih. Silakan hubungi petugas.',
    networkError: 'Server antrean tidak dapat dihubungi. Silakan coba lagi sebentar lagi, atau minta bantuan petugas.',
    serverError: 'Terjadi gangguan pada server antrean. Silakan minta bantuan petugas.',
    back: 'Kembali',
    backToStart: 'Kembali ke awal',
    nobodyAhead: 'Tidak ada orang di depan Anda',
    peopleAhead: '{n} orang di depan Anda',
    estimatedWait: 'Perkiraan waktu tunggu',
    device: 'Kios: {name}'
  };

  // ---------------------------------------------------------------------------------------------
  // Pure helpers

  function fill(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : '';
    });
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

  /**
   * The wall-clock fields written in an ISO 8601 time, with its UTC offset in minutes. The server
   * writes times with the site's offset, so the local date and time are read straight from the
   * string: no time-zone database needed (old kiosk browsers may lack one) and the kiosk's own clock,
   * often wrong after a power cut, plays no part.
   */
  function parseLocal(text) {
    if (typeof text !== 'string') return null;
    const m = ISO_RE.exec(text.trim());
    if (!m) return null;
    let offset = 0;
    if (m[8] && m[8] !== 'Z' && m[8] !== 'z') {
      const digits = m[8].slice(1).replace(':', '');
      offset = (m[8].charAt(0) === '-' ? -1 : 1) * (parseInt(digits.slice(0, 2), 10) * 60 + parseInt(digits.slice(2, 4), 10));
    }
    return { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], offsetMinutes: offset };
  }

  /** `WIB` for +07:00, `WITA` for +08:00, `WIT` for +09:00, else `UTC+X`. */
  function zoneLabel(offsetMinutes) {
    if (offsetMinutes === 420) return 'WIB';
    if (offsetMinutes === 480) return 'WITA';
    if (offsetMinutes === 540) return 'WIT';
    if (!offsetMinutes) return 'UTC';
    const abs = Math.abs(offsetMinutes);
    return 'UTC' + (offsetMinutes < 0 ? '-' : '+') + Math.floor(abs / 60) + (abs % 60 ? ':' + pad2(abs % 60) : '');
  }

  /** `Minggu, 29 November 2026 · 10.31 WIB` from `2026-11-29T10:31:02.000+07:00`; '' if unreadable. */
  function formatIssued(iso) {
    const t = parseLocal(iso);
    if (!t || t.month < 1 || t.month > 12) return '';
    const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
    return DAYS[weekday] + ', ' + t.day + ' ' + MONTHS[t.month - 1] + ' ' + t.year + ' · ' +
      pad2(t.hour) + '.' + pad2(t.minute) + ' ' + zoneLabel(t.offsetMinutes);
  }

  /** `3 orang di depan Anda`; null when unknown (the line is then left off the ticket). */
  function peopleAheadText(n) {
    if (typeof n !== 'number' || !(n >= 0)) return null;
    return n === 0 ? TEXT.nobodyAhead : fill(TEXT.peopleAhead, { n: n });
  }

  /** `± 15 menit`, `± 1 jam 10 menit`; null for no estimate or zero (nobody to wait for). */
  function formatWait(minutes) {
    let n = Math.round(Number(minutes));
    if (!(n > 0)) return null;
    if (n < 60) return n + ' menit';
    const h = Math.floor(n / 60);
    n = n % 60;
    return h + ' jam' + (n ? ' ' + n + ' menit' : '');
  }

  /**
   * A first guess of the ticket number's font size in millimetres, so that the label fits the
   * printable width (DejaVu Sans Bold advances, in em). The browser part then checks the real width.
   */
  function numberFontMm(label, paper) {
    const width = PRINTABLE_MM[paper] || PRINTABLE_MM['80'];
    let em = 0;
    const text = String(label || '');
    for (let i = 0; i < text.length; i++) {
      const c = text.charAt(i);
      em += /[0-9]/.test(c) ? 0.70 : c === '-' ? 0.42 : /[A-Z]/.test(c) ? 0.80 : 0.65;
    }
    if (em === 0) return NUMBER_MAX_MM[paper] || NUMBER_MAX_MM['80'];
    return Math.min(NUMBER_MAX_MM[paper] || NUMBER_MAX_MM['80'], Math.floor((width * 0.95 / em) * 10) / 10);
  }

  /** The agencies that have at least one service, in the site file's order. */
  function agenciesWithServices(site) {
    const services = site && Array.isArray(site.services) ? site.services : [];
    const agencies = site && Array.isArray(site.agencies) ? site.agencies : [];
    return agencies.filter(function (agency) {
      return services.some(function (service) { return service.agency === agency.id; });
    });
  }

  const pure = {
    parseLocal: parseLocal,
    zoneLabel: zoneLabel,
    formatIssued: formatIssued,
    peopleAheadText: peopleAheadText,
    formatWait: formatWait,
    numberFontMm: numberFontMm,
    agenciesWithServices: agenciesWithServices
  };
  if (typeof module === 'object' && module && module.exports) module.exports = pure;
  if (!root || !root.document) return;

  // ---------------------------------------------------------------------------------------------
  // Browser part

  const document = root.document;
  const debug = root.KioskDebug = { printed: 0, step: 'loading', ticket: null, status: null };

  const state = {
    token: '',
    paper: '80',
    site: null,
    siteAt: 0,
    agency: null,
    service: null,
    ticket: null,
    step: 'loading',
    stepAt: 0,
    busy: false,
    errorBack: 'service',
    setupReason: null,
    lastPointer: '',
    device: null
  };

  let idleTimer = null;

  function $(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    const el = typeof id === 'string' ? $(id) : id;
    if (el) el.textContent = text === null || text === undefined ? '' : String(text);
  }

  function now() {
    return Date.now();
  }

  // localStorage can be missing or refused (private windows, some kiosk shells): the kiosk then still
  // works until the next reload.
  function storageGet(key) {
    try { return root.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { root.localStorage.setItem(key, value); } catch (e) { /* kept in memory only */ }
  }

  /** Takes `token` and `paper` from the address (once, at setup), stores them and cleans the address. */
  function readSetup() {
    let params = null;
    try { params = new URLSearchParams(root.location.search); } catch (e) { params = null; }
    if (params) {
      const token = (params.get('token') || '').trim();
      if (token) storageSet(TOKEN_KEY, token);
      const paper = params.get('paper');
      if (paper === '58' || paper === '80') storageSet(PAPER_KEY, paper);
      if (params.has('token') || params.has('paper')) {
        params.delete('token');
        params.delete('paper');
        const rest = params.toString();
        try {
          root.history.replaceState(null, '', root.location.pathname + (rest ? '?' + rest : '') + root.location.hash);
        } catch (e) { /* an old shell without history: the address keeps the token, nothing worse */ }
      }
      if (token) state.token = token;
      if (paper === '58' || paper === '80') state.paper = paper;
    }
    if (!state.token) state.token = (storageGet(TOKEN_KEY) || '').trim();
    if (!params || !params.get('paper')) state.paper = storageGet(PAPER_KEY) === '58' ? '58' : '80';
    document.documentElement.classList.toggle('paper-58', state.paper === '58');
  }

  /** fetch with a time limit; resolves to {status, ok, data} for every HTTP answer, throws offline. */
  function request(method, path, body, withToken, timeoutMs) {
    const headers = { 'Accept': 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (withToken && state.token) headers['Authorization'] = 'Bearer ' + state.token;
    // No cookies: whatever someone signed in to on this browser, tickets are issued by the device.
    const options = { method: method, headers: headers, credentials: 'omit', cache: 'no-store' };
    if (body) options.body = JSON.stringify(body);
    let timer = null;
    if (timeoutMs && typeof root.AbortController === 'function') {
      const controller = new root.AbortController();
      options.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, timeoutMs);
    }
    return root.fetch(path, options).then(function (response) {
      return response.text().then(function (text) {
        let data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: response.status, ok: response.ok, data: data };
      });
    }).then(function (result) {
      clearTimeout(timer);
      return result;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  /** The API's Indonesian message, or a plain one for answers without it (a proxy's 502 page). */
  function messageOf(result) {
    const error = result && result.data && result.data.error;
    if (error && error.message) return error.message;
    return result && result.status >= 500 ? TEXT.serverError : TEXT.networkError;
  }

  // ---------------------------------------------------------------------------------------------
  // Steps

  // Steps where someone is in the middle of something: the bar with "Kembali" shows, and the kiosk
  // returns to the start by itself when they walk away.
  const WITH_BACK = { service: true, priority: true, error: true, ticket: true };

  function show(step) {
    state.step = step;
    state.stepAt = now();
    debug.step = step;
    document.body.setAttribute('data-step', step);
    const sections = document.querySelectorAll('.step');
    for (let i = 0; i < sections.length; i++) {
      sections[i].hidden = sections[i].getAttribute('data-step') !== step;
    }
    $('kiosk-actions').hidden = !WITH_BACK[step];
    $('btn-print').hidden = step !== 'ticket';
    setText('btn-back-label', step === 'ticket' ? TEXT.backToStart : TEXT.back);
    try { root.scrollTo(0, 0); } catch (e) { /* nothing to scroll */ }
    armIdle();
  }

  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = null;
    if (!WITH_BACK[state.step] || state.busy) return;
    idleTimer = setTimeout(function () {
      if (!state.busy && WITH_BACK[state.step]) restart();
    }, IDLE_MS);
  }

  /** Back to the first step, forgetting the previous citizen's choices and ticket. */
  function restart() {
    state.agency = null;
    state.service = null;
    state.ticket = null;
    clearTicket();
    if (state.setupReason) { showSetup(state.setupReason); return; }
    if (!state.site) { show('loading'); return; }
    renderAgencies();
    show('agency');
    if (now() - state.siteAt > SITE_REFRESH_MS) loadSite();
  }

  function back() {
    if (state.busy) return;
    if (state.step === 'priority' && state.agency) {
      show('service');
    } else if (state.step === 'error' && state.errorBack === 'priority' && state.service) {
      show('priority');
    } else if (state.step === 'error' && state.errorBack === 'service' && state.agency) {
      show('service');
    } else {
      restart();
    }
  }

  function showSetup(reason) {
    state.setupReason = reason;
    clearTimeout(idleTimer);
    const revoked = reason === 'revoked';
    setText('setup-title', revoked ? TEXT.setupRevokedTitle : TEXT.setupMissingTitle);
    setText('setup-text', revoked ? TEXT.setupRevoked : TEXT.setupMissing);
    show('setup');
  }

  function showError(message, backTo) {
    state.errorBack = backTo || 'service';
    setText('ticket-error-text', message);
    show('error');
  }

  function makeChoice(className, attribute, value) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'choice ' + className;
    button.setAttribute(attribute, value);
    return button;
  }

  function span(className, text) {
    const el = document.createElement('span');
    el.className = className;
    el.textContent = text;
    return el;
  }

  function servicesOf(agencyId) {
    return (state.site && Array.isArray(state.site.services) ? state.site.services : []).filter(function (service) {
      return service.agency === agencyId;
    });
  }

  function renderAgencies() {
    const box = $('agencies');
    box.textContent = '';
    const agencies = agenciesWithServices(state.site);
    if (!agencies.length) {
      const empty = document.createElement('p');
      empty.className = 'step-lead';
      empty.textContent = TEXT.noServices;
      box.appendChild(empty);
      return;
    }
    agencies.forEach(function (agency) {
      const button = makeChoice('agency', 'data-agency', agency.id);
      const body = span('choice-body', '');
      body.appendChild(span('choice-name', agency.name || agency.id));
      // Citizens know what they came for ("KTP") better than which office does it: list the services.
      body.appendChild(span('choice-note', servicesOf(agency.id).map(function (s) { return s.name; }).join(' · ')));
      button.appendChild(body);
      box.appendChild(button);
    });
  }

  function chooseAgency(id) {
    const agency = agenciesWithServices(state.site).filter(function (a) { return a.id === id; })[0];
    if (!agency) return;
    state.agency = agency;
    state.service = null;
    setText('service-agency', agency.name || agency.id);
    const box = $('services');
    box.textContent = '';
    servicesOf(agency.id).forEach(function (service) {
      const button = makeChoice('service', 'data-service', service.code);
      button.appendChild(span('service-code', service.code));
      const body = span('choice-body', '');
      body.appendChild(span('choice-name', service.name || service.code));
      button.appendChild(body);
      box.appendChild(button);
    });
    show('service');
  }

  function chooseService(code) {
    const service = servicesOf(state.agency ? state.agency.id : null).filter(function (s) { return s.code === code; })[0];
    if (!service) return;
    state.service = service;
    setText('priority-service', (service.name || service.code) + ' — ' + (state.agency.name || state.agency.id));
    show('priority');
  }

  async function issue(priority) {
    if (state.busy || !state.service) return;
    state.busy = true;
    show('busy');
    try {
      let result;
      try {
        result = await request('POST', '/api/tickets', { service: state.service.code, priority: priority }, true, ISSUE_TIMEOUT_MS);
      } catch (e) {
        showError(TEXT.networkError, 'priority');
        return;
      }
      if (result.status === 401) {
        showSetup('revoked');
        return;
      }
      if ((result.status !== 201 && result.status !== 200) || !result.data || !result.data.number) {
        // quota_reached, service_closed and the like: the API's own words, then choose again.
        showError(messageOf(result), result.status >= 500 ? 'priority' : 'service');
        return;
      }
      const ticket = result.data;
      let status = null;
      if (ticket.code) {
        try {
          const answer = await request('GET', '/api/tickets/' + encodeURIComponent(ticket.code), null, false, STATUS_TIMEOUT_MS);
          if (answer.ok && answer.data) status = answer.data;
        } catch (e) { /* printed without the people-ahead line rather than not at all */ }
      }
      state.ticket = ticket;
      debug.ticket = ticket;
      debug.status = status;
      renderTicket(ticket, status);
      show('ticket');
      fitTicket();
      await imageReady($('ticket-qr'), QR_WAIT_MS);
      // Only the ticket still on screen is printed (someone may have pressed "Kembali" meanwhile).
      if (state.ticket === ticket && state.step === 'ticket') {
        fitTicket();
        printTicket();
      }
    } finally {
      state.busy = false;
      armIdle();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The ticket

  function clearTicket() {
    ['summary-number', 'summary-service', 'ticket-site', 'ticket-number', 'ticket-service', 'ticket-agency', 'ticket-ahead', 'ticket-wait',
      'ticket-time', 'ticket-url'].forEach(function (id) { setText(id, ''); });
    const qr = $('ticket-qr');
    qr.removeAttribute('src');
    document.body.classList.remove('qr-missing');
  }

  /** Date and clock as two unbreakable halves, so that narrow paper wraps at the dot, not inside. */
  function setIssued(el, text) {
    el.textContent = '';
    text.split(' · ').forEach(function (part, i) {
      if (i > 0) el.appendChild(document.createTextNode(' · '));
      el.appendChild(span('nowrap', part));
    });
  }

  function agencyOfService(code) {
    const services = state.site && Array.isArray(state.site.services) ? state.site.services : [];
    const service = services.filter(function (s) { return s.code === code; })[0];
    if (!service) return null;
    return (state.site.agencies || []).filter(function (a) { return a.id === service.agency; })[0] || null;
  }

  function isLoopback(host) {
    return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
  }

  function renderTicket(ticket, status) {
    clearTicket();
    const service = ticket.service || {};
    const agency = agencyOfService(service.code) || state.agency;
    setText('ticket-site', state.site ? state.site.name : '');
    setText('ticket-number', ticket.number);
    setText('summary-number', ticket.number);
    setText('summary-service', service.name || service.code || '');
    $('ticket-priority').hidden = !ticket.priority;
    setText('ticket-service', service.name || service.code || '');
    setText('ticket-agency', agency ? agency.name : '');
    const ahead = status ? peopleAheadText(status.peopleAhead) : null;
    setText('ticket-ahead', ahead || '');
    $('ticket-ahead').hidden = !ahead;
    const wait = status ? formatWait(status.estimatedWaitMinutes) : null;
    const waitEl = $('ticket-wait');
    waitEl.textContent = wait ? TEXT.estimatedWait + ' ' : '';
    if (wait) waitEl.appendChild(span('nowrap', '± ' + wait));
    $('ticket-wait').hidden = !wait;
    setIssued($('ticket-time'), formatIssued(ticket.issuedAt));

    const qr = $('ticket-qr');
    if (ticket.code) {
      const path = '/t/' + encodeURIComponent(ticket.code);
      qr.onerror = function () { document.body.classList.add('qr-missing'); };
      qr.src = path + '/qr.svg';
      // The address under the code is for those who cannot scan; a kiosk browsing its own server on
      // localhost would print an address no phone can open, so then only the QR code goes on paper.
      const host = root.location.hostname;
      setText('ticket-url', isLoopback(host) ? '' : root.location.host + path);
    } else {
      document.body.classList.add('qr-missing');
    }
    fitNumber();
  }

  /** The number as large as the paper allows: the estimate first, then shrunk until nothing overflows. */
  function fitNumber() {
    const el = $('ticket-number');
    let size = numberFontMm(el.textContent, state.paper);
    el.style.fontSize = size + 'mm';
    for (let i = 0; i < 20 && el.scrollWidth > el.clientWidth + 1 && size > 6; i++) {
      size = Math.round(size * 0.93 * 10) / 10;
      el.style.fontSize = size + 'mm';
    }
  }

  /**
   * On screen: the paper, scaled to fill the room between the heading and the action bar. For print:
   * a page exactly as long as the ticket (`@page { size: 80mm auto }` is not valid CSS, and Chromium
   * drops it; a fixed length would feed blank paper or split the ticket over two pages).
   */
  function fitTicket() {
    const stage = $('ticket-stage');
    const paper = $('ticket-print');
    if (!stage || !paper || state.step !== 'ticket') return;
    fitNumber();
    const width = paper.offsetWidth;
    const height = paper.offsetHeight;
    if (!width || !height) return;
    const top = stage.getBoundingClientRect().top;
    const bar = $('kiosk-actions').offsetHeight || 0;
    const roomHeight = root.innerHeight - top - bar - 24;
    const roomWidth = Math.min(document.documentElement.clientWidth - 80, stage.parentNode.clientWidth || 10000);
    let scale = Math.min(2.4, roomWidth / width, roomHeight / height);
    if (!(scale > 0.6)) scale = 0.6;
    paper.style.transform = 'scale(' + scale.toFixed(3) + ')';
    stage.style.width = Math.ceil(width * scale) + 'px';
    stage.style.height = Math.ceil(height * scale) + 'px';
    setPageSize(height);
  }

  function setPageSize(heightPx) {
    const widthMm = state.paper === '58' ? 58 : 80;
    // A few millimetres spare: rounding between screen and print layout must never spill a second page.
    const lengthMm = Math.ceil(heightPx * 25.4 / 96) + 3;
    const rule = '@page { size: ' + widthMm + 'mm ' + lengthMm + 'mm; margin: 0 }';
    const style = $('page-size');
    if (style && style.textContent !== rule) style.textContent = rule;
  }

  function imageReady(img, timeoutMs) {
    return new Promise(function (resolve) {
      if (!img || !img.getAttribute('src') || img.complete) { resolve(); return; }
      let timer = null;
      function done() {
        clearTimeout(timer);
        img.removeEventListener('load', done);
        img.removeEventListener('error', done);
        resolve();
      }
      timer = setTimeout(done, timeoutMs);
      img.addEventListener('load', done);
      img.addEventListener('error', done);
    });
  }

  /** The only place that prints. */
  function printTicket() {
    if (!state.ticket) return;
    debug.printed += 1;
    try {
      root.print();
    } catch (e) { /* no printer dialog in this shell: the ticket stays on screen */ }
    armIdle();
  }

  // ---------------------------------------------------------------------------------------------
  // Site and token

  async function loadSite() {
    let result = null;
    try {
      result = await request('GET', '/api/site', null, false, 10000);
    } catch (e) {
      result = null;
    }
    if (!result || !result.ok || !result.data) {
      if (!state.site) {
        setText('loading-text', TEXT.siteUnavailable);
        setTimeout(loadSite, SITE_RETRY_MS);
      }
      return;
    }
    state.site = result.data;
    state.siteAt = now();
    if (state.site.name) {
      setText('site-name', state.site.name);
      document.title = 'Ambil nomor antrean — ' + state.site.name;
    }
    if (state.step === 'loading') {
      renderAgencies();
      show('agency');
    } else if (state.step === 'agency') {
      renderAgencies();
    }
  }

  /**
   * Asks the server whether the token is still good, so that a revoked kiosk says so before a
   * citizen has gone through three steps. Only at rest (first step or the setup message): never in
   * the middle of someone's choice. An unreachable server changes nothing.
   */
  async function checkToken() {
    if (!state.token) return;
    const atRest = state.step === 'agency' || state.step === 'loading' || state.step === 'setup';
    if (!atRest || state.busy) return;
    let result;
    try {
      result = await request('GET', '/api/me', null, true, 10000);
    } catch (e) {
      return;
    }
    if (result.status === 401) {
      if (state.step !== 'setup' || state.setupReason !== 'revoked') showSetup('revoked');
      return;
    }
    if (result.ok && result.data) {
      const device = result.data.device;
      setText('kiosk-device', device && device.name ? fill(TEXT.device, { name: device.name }) : '');
      if (state.setupReason === 'revoked') {
        // A token that works again (the store was restored): back to service.
        state.setupReason = null;
        restart();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /**
   * A double tap on a touch screen lands its second tap on whatever the next step put under the
   * finger (an agency, then the service in the same place; a service, then "Antrean biasa"). Touch
   * taps that come right after a step change are therefore ignored. Mouse clicks (and a test's
   * WebDriver clicks) are not: they do not bounce.
   */
  function tapAllowed() {
    return !(state.lastPointer === 'touch' && now() - state.stepAt < GHOST_TAP_MS);
  }

  function onClick(event) {
    const target = event.target && event.target.closest ? event.target.closest('button') : null;
    if (!target || target.disabled) return;
    if (!tapAllowed()) return;
    armIdle();
    if (target.id === 'btn-back') back();
    else if (target.id === 'btn-print') printTicket();
    else if (target.id === 'priority-regular' && state.step === 'priority') issue(false);
    else if (target.id === 'priority-yes' && state.step === 'priority') issue(true);
    else if (target.classList.contains('agency') && state.step === 'agency') chooseAgency(target.getAttribute('data-agency'));
    else if (target.classList.contains('service') && state.step === 'service') chooseService(target.getAttribute('data-service'));
  }

  function onActivity(event) {
    if (event && event.pointerType) state.lastPointer = event.pointerType;
    armIdle();
  }

  function start() {
    readSetup();
    document.addEventListener('click', onClick);
    document.addEventListener('pointerdown', onActivity, true);
    document.addEventListener('touchstart', onActivity, { capture: true, passive: true });
    document.addEventListener('keydown', onActivity, true);
    // A long press must not open a context menu on a public screen.
    document.addEventListener('contextmenu', function (event) { event.preventDefault(); });
    root.addEventListener('resize', fitTicket);

    if (!state.token) {
      showSetup('missing');
    } else {
      show('loading');
      checkToken();
    }
    loadSite();
    setInterval(function () {
      if (state.step === 'agency' && now() - state.siteAt > SITE_REFRESH_MS) loadSite();
      checkToken();
    }, TOKEN_CHECK_MS);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(typeof window !== 'undefined' ? window : null);
