/*
 * Panggil reports page (/admin/reports): a day's or a month's figures for the MPP supervisor.
 *
 * Plain script, ES2017 at most, no build step, no library (the same rule as every page under
 * display-layouts, which a repository test checks): the charts are inline SVG drawn here. The server
 * decides who may read the reports: this page asks, and shows the API's own Indonesian message when it
 * refuses (401: sign in; 403: the role has no access; 400: a bad date or month).
 *
 * Addresses: /admin/reports?date=2026-11-30 opens that day, /admin/reports?month=2026-11 that month;
 * without either, today.
 */
(function (root) {
  'use strict';

  const DAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
  const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
    'Oktober', 'November', 'Desember'];
  const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
  /** A date typed into the field changes it segment by segment: wait for the typing to stop. */
  const INPUT_DELAY_MS = 450;
  /** The arrivals chart shows these hours at least, and more when tickets came earlier or later. */
  const FIRST_HOUR = 6;
  const LAST_HOUR = 20;
  const EMPTY = '–';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
  const MONTH_RE = /^\d{4}-\d{2}$/;

  const TEXT = {
    network: 'Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi.',
    dateMissing: 'Pilih tanggal terlebih dahulu.',
    monthMissing: 'Pilih bulan terlebih dahulu (TTTT-BB, mis. 2026-11).',
    loading: 'Memuat laporan…',
    dailyTitle: 'Laporan harian — {date}',
    monthlyTitle: 'Laporan bulanan — {month}',
    today: 'Hari ini: angka masih bertambah sampai layanan tutup.',
    thisMonth: 'Bulan berjalan: angka masih bertambah.',
    noTickets: 'Tidak ada tiket pada periode ini.',
    retainedSince: 'Data sebelum {date} sudah dihapus sesuai masa simpan; hari-hari itu tidak terhitung.',
    printed: 'Dicetak {time} oleh {name}.',
    all: 'Semua layanan',
    noAgencies: 'Situs ini belum mempunyai instansi.',
    noServices: 'Situs ini belum mempunyai layanan.',
    noCounters: 'Situs ini belum mempunyai loket.',
    noWait: 'belum ada data tunggu'
  };

  /** The hall's tiles: `data-figure` in the page, and where each figure comes from. */
  const TILES = [
    { figure: 'issued', value: function (l) { return count(l.issued); } },
    { figure: 'served', value: function (l) { return count(l.served); } },
    { figure: 'noShow', value: function (l) { return count(l.noShow); } },
    { figure: 'cancelled', value: function (l) { return count(l.cancelled); } },
    { figure: 'transferred', value: function (l) { return count(l.transferred); } },
    { figure: 'waitMedian', value: function (l) { return decimal(summary(l, 'waitMinutes').median); } },
    { figure: 'waitP90', value: function (l) { return decimal(summary(l, 'waitMinutes').p90); } },
    { figure: 'busiestHour', value: function (l) { return hourRange(l.busiestHour); } }
  ];

  /** The figures of a service, an agency or the hall, as table columns (`group`: under a shared heading). */
  const COLUMNS = [
    { figure: 'issued', label: 'Diterbitkan', value: function (l) { return l.issued; }, format: count },
    { figure: 'served', label: 'Dilayani', value: function (l) { return l.served; }, format: count },
    { figure: 'noShow', label: 'Tidak hadir', value: function (l) { return l.noShow; }, format: count },
    { figure: 'cancelled', label: 'Dibatalkan', value: function (l) { return l.cancelled; }, format: count },
    { figure: 'transferred', label: 'Dialihkan', value: function (l) { return l.transferred; }, format: count },
    { figure: 'waitMean', group: 'Waktu tunggu', label: 'Rata-rata', value: function (l) { return summary(l, 'waitMinutes').mean; }, format: minutes },
    { figure: 'waitMedian', group: 'Waktu tunggu', label: 'Median', value: function (l) { return summary(l, 'waitMinutes').median; }, format: minutes },
    { figure: 'waitP90', group: 'Waktu tunggu', label: 'p90', value: function (l) { return summary(l, 'waitMinutes').p90; }, format: minutes },
    { figure: 'serviceMean', group: 'Waktu layanan', label: 'Rata-rata', value: function (l) { return summary(l, 'serviceMinutes').mean; }, format: minutes },
    { figure: 'serviceMedian', group: 'Waktu layanan', label: 'Median', value: function (l) { return summary(l, 'serviceMinutes').median; }, format: minutes },
    { figure: 'serviceP90', group: 'Waktu layanan', label: 'p90', value: function (l) { return summary(l, 'serviceMinutes').p90; }, format: minutes },
    { figure: 'busiestHour', label: 'Jam tersibuk', value: function (l) { return l.busiestHour; }, format: hourRange }
  ];

  const document = root.document;
  const state = {
    me: null,
    site: null,
    mode: 'daily',       // which picker the report on screen comes from
    seq: 0,              // the newest request: older answers are dropped
    loadingKey: '',      // 'daily:2026-11-30' while asking
    loadedKey: '',       // what the page shows
    report: null,
    timer: null
  };

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function $(id) {
    return document.getElementById(id);
  }

  function fill(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : '';
    });
  }

  /** Builds an element; text goes in as text, never as HTML (names come from the site file). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    setAttributes(node, attrs);
    append(node, children);
    return node;
  }

  /** The same for SVG. */
  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttributes(node, attrs);
    append(node, children);
    return node;
  }

  function setAttributes(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'className') node.setAttribute('class', value);
      else if (key === 'text') node.textContent = value;
      else if (key === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
  }

  function append(node, children) {
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function isNumber(value) {
    return typeof value === 'number' && isFinite(value);
  }

  /** Whole numbers as digits alone (`1234`), so that they read back as numbers. */
  function count(value) {
    return isNumber(value) ? String(Math.round(value)) : EMPTY;
  }

  /** `12,5`: one decimal, decimal comma. */
  function decimal(value) {
    return isNumber(value) ? value.toFixed(1).replace('.', ',') : EMPTY;
  }

  /** `12,5 mnt`, or `–`. */
  function minutes(value) {
    return isNumber(value) ? decimal(value) + ' mnt' : EMPTY;
  }

  /** An axis label: `10`, `2,5`. */
  function tick(value) {
    const rounded = Math.round(value * 10) / 10;
    return rounded === Math.round(rounded) ? String(Math.round(rounded)) : decimal(rounded);
  }

  /** `09.00–10.00` for hour 9, or `–`. */
  function hourRange(hour) {
    return isNumber(hour) ? pad2(hour) + '.00–' + pad2(hour + 1) + '.00' : EMPTY;
  }

  /** `5 j 12 mnt` (whole minutes, rounded down), `45 mnt`. */
  function duration(value) {
    if (!isNumber(value)) return EMPTY;
    const whole = Math.floor(value + 1e-9);
    const hours = Math.floor(whole / 60);
    return hours ? hours + ' j ' + (whole % 60) + ' mnt' : whole + ' mnt';
  }

  /** A line's wait or service summary; empty when the API left it out. */
  function summary(line, key) {
    return (line && line[key]) || {};
  }

  function listOf(value) {
    return Array.isArray(value) ? value : [];
  }

  /** `Senin, 30 November 2026` for `2026-11-30`. */
  function longDate(iso) {
    const parts = String(iso).split('-').map(function (p) { return parseInt(p, 10); });
    if (parts.length !== 3 || parts.some(isNaN)) return String(iso);
    const weekday = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])).getUTCDay();
    return DAYS[weekday] + ', ' + parts[2] + ' ' + MONTHS[parts[1] - 1] + ' ' + parts[0];
  }

  /** `November 2026` for `2026-11`. */
  function longMonth(iso) {
    const parts = String(iso).split('-').map(function (p) { return parseInt(p, 10); });
    if (parts.length < 2 || isNaN(parts[0]) || !(parts[1] >= 1 && parts[1] <= 12)) return String(iso);
    return MONTHS[parts[1] - 1] + ' ' + parts[0];
  }

  /** Today as `2026-11-30`, in the site's time zone when the browser knows it, else the laptop's. */
  function today() {
    const now = new Date();
    try {
      const zone = state.site && state.site.timezone;
      if (zone) {
        const parts = {};
        new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' })
          .formatToParts(now).forEach(function (part) { parts[part.type] = part.value; });
        if (parts.year && parts.month && parts.day) {
          return parts.year + '-' + pad2(parseInt(parts.month, 10)) + '-' + pad2(parseInt(parts.day, 10));
        }
      }
    } catch (e) { /* an unknown zone: the laptop's date */ }
    return now.getFullYear() + '-' + pad2(now.getMonth() + 1) + '-' + pad2(now.getDate());
  }

  function nowText() {
    const now = new Date();
    return now.getDate() + ' ' + MONTHS_SHORT[now.getMonth()] + ' ' + now.getFullYear() + ' ' +
      pad2(now.getHours()) + '.' + pad2(now.getMinutes());
  }

  /** Axis steps of 1, 2 or 5 × 10ⁿ, about `count` of them; whole steps when `whole`. */
  function scale(max, count, whole) {
    if (!(max > 0)) return { max: whole ? count : 10, step: whole ? 1 : 2 };
    const raw = max / count;
    const magnitude = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    const norm = raw / magnitude;
    let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
    if (whole) step = Math.max(1, Math.round(step));
    return { max: Math.ceil(max / step - 1e-9) * step, step: step };
  }

  function ticks(range) {
    const list = [];
    for (let v = 0; v <= range.max + range.step / 1000; v += range.step) list.push(Math.round(v * 1000) / 1000);
    return list;
  }

  /** A name cut to fit a chart's row; the whole name stays in the row's <title>. */
  function shorten(text, length) {
    text = String(text || '');
    return text.length > length ? text.slice(0, length - 1) + '…' : text;
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in (shared/signin.js, the same on the admin page)

  const signIn = root.PanggilSignIn;
  const api = signIn.api;
  const errorText = signIn.errorText;

  /** After "Masuk sebagai …" and the main view: the report the address or the pickers ask for. */
  function signedIn(user) {
    state.me = user;
    loadReport(true);
  }

  /** Before the sign-in form: the last user's report goes, and an answer still on its way is dropped. */
  function signedOut() {
    state.me = null;
    state.seq += 1;
    state.loadingKey = '';
    state.loadedKey = '';
    state.report = null;
    $('report-content').hidden = true;
  }

  async function loadSite() {
    try {
      const result = await api('GET', '/api/site');
      if (result.ok && result.data) {
        state.site = result.data;
        showSiteName(result.data.name);
      }
    } catch (e) { /* the report names the site too */ }
  }

  function showSiteName(name) {
    if (!name) return;
    $('site-name').textContent = name;
    document.title = 'Panggil — Laporan · ' + name;
  }

  // ---------------------------------------------------------------------------------------------
  // The period

  function periodValue(mode) {
    return (mode === 'monthly' ? $('report-month') : $('report-date')).value.trim();
  }

  function setMode(mode) {
    state.mode = mode;
    document.body.setAttribute('data-mode', mode);
    ['daily-form', 'monthly-form'].forEach(function (id) {
      const form = $(id);
      const active = form.getAttribute('data-mode') === mode;
      form.className = 'card picker' + (active ? ' active' : '');
    });
  }

  function updateLinks() {
    const date = periodValue('daily');
    const month = periodValue('monthly');
    $('csv-daily').setAttribute('href', '/api/reports/daily.csv' + (date ? '?date=' + encodeURIComponent(date) : ''));
    $('csv-monthly').setAttribute('href', '/api/reports/monthly.csv' + (month ? '?month=' + encodeURIComponent(month) : ''));
  }

  /** The address names the period on screen, for a bookmark or a reload. */
  function updateAddress() {
    const value = periodValue(state.mode);
    if (!value || !root.history || !root.history.replaceState) return;
    const query = (state.mode === 'monthly' ? '?month=' : '?date=') + encodeURIComponent(value);
    if (root.location.search === query) return;
    try { root.history.replaceState(null, '', root.location.pathname + query); } catch (e) { /* file:// */ }
  }

  function readAddress() {
    const query = {};
    root.location.search.replace(/^\?/, '').split('&').forEach(function (pair) {
      const at = pair.indexOf('=');
      if (at > 0) {
        try { query[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1)); } catch (e) { /* skip */ }
      }
    });
    return query;
  }

  function setDefaults() {
    const query = readAddress();
    const day = today();
    $('report-date').value = query.date && DATE_RE.test(query.date) ? query.date : day;
    $('report-month').value = query.month && MONTH_RE.test(query.month) ? query.month : day.slice(0, 7);
    setMode(query.month && !query.date ? 'monthly' : 'daily');
    updateLinks();
  }

  /** A picker changed: show its report once the typing has stopped. */
  function pickerChanged(mode) {
    updateLinks();
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      state.timer = null;
      setMode(mode);
      if (state.me) loadReport(false);
    }, INPUT_DELAY_MS);
  }

  function submitPicker(mode, event) {
    event.preventDefault();
    if (state.timer) { clearTimeout(state.timer); state.timer = null; }
    setMode(mode);
    updateLinks();
    loadReport(true);
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  function setReportState(value) {
    document.body.setAttribute('data-report', value);
  }

  function showReportError(message) {
    $('report-error').textContent = message;
    $('report-status').textContent = '';
    $('report-content').hidden = true;
    state.loadedKey = '';
    state.report = null;
    setReportState('error');
  }

  /** Asks for the report of the period chosen; `force` asks again for the one already on screen. */
  async function loadReport(force) {
    const mode = state.mode;
    const value = periodValue(mode);
    updateLinks();
    if (!value) {
      state.seq += 1;
      state.loadingKey = '';
      showReportError(mode === 'monthly' ? TEXT.monthMissing : TEXT.dateMissing);
      return;
    }
    const key = mode + ':' + value;
    if (!force && (key === state.loadingKey || (key === state.loadedKey && !state.loadingKey))) return;
    updateAddress();
    const seq = ++state.seq;
    state.loadingKey = key;
    setReportState('loading');
    $('report-status').textContent = TEXT.loading;
    $('report-content').setAttribute('aria-busy', 'true');
    const path = mode === 'monthly' ?
      '/api/reports/monthly?month=' + encodeURIComponent(value) :
      '/api/reports/daily?date=' + encodeURIComponent(value);
    let result;
    try {
      result = await api('GET', path);
    } catch (e) {
      if (seq !== state.seq) return;
      state.loadingKey = '';
      $('report-content').removeAttribute('aria-busy');
      showReportError(TEXT.network);
      return;
    }
    if (seq !== state.seq) return;
    state.loadingKey = '';
    $('report-content').removeAttribute('aria-busy');
    if (signIn.sessionEnded(result)) return;
    if (!result.ok || !result.data || !result.data.hall) {
      // 403 for a role without access, 400 for a bad date or month: the API's own words.
      showReportError(errorText(result));
      return;
    }
    state.loadedKey = key;
    state.report = result.data;
    render(result.data, mode, value);
  }

  // ---------------------------------------------------------------------------------------------
  // The report

  function render(data, mode, value) {
    const hall = data.hall || {};
    $('report-error').textContent = '';
    $('report-status').textContent = '';
    showSiteName(data.site);

    const content = $('report-content');
    content.setAttribute('data-mode', mode);
    content.setAttribute('data-from', data.from || '');
    content.setAttribute('data-through', data.through || '');
    const title = mode === 'monthly' ?
      fill(TEXT.monthlyTitle, { month: longMonth(String(data.from || value).slice(0, 7)) }) :
      fill(TEXT.dailyTitle, { date: longDate(data.from || value) });
    $('report-title').textContent = title;

    const notes = [data.site || ''];
    const day = today();
    if (mode === 'daily' && data.from === day) notes.push(TEXT.today);
    if (mode === 'monthly' && String(data.from || '').slice(0, 7) === day.slice(0, 7)) notes.push(TEXT.thisMonth);
    if (!hall.issued) notes.push(TEXT.noTickets);
    // Days before the store's retention were pruned: they count nothing, and the page says so.
    if (data.retainedSince) notes.push(fill(TEXT.retainedSince, { date: longDate(data.retainedSince) }));
    $('report-subtitle').textContent = notes.filter(Boolean).join(' · ');
    $('report-printed').textContent = fill(TEXT.printed, { time: nowText(), name: state.me ? state.me.name : '' });

    renderTiles(hall);
    renderAgencies(data);
    renderServices(data);
    renderCounters(listOf(data.counters));
    drawHours(hall);
    drawAgencies(listOf(data.agencies));
    $('trend-box').hidden = mode !== 'monthly';
    if (mode === 'monthly') drawTrend(listOf(data.days));
    else clear($('chart-trend'));

    content.hidden = false;
    setReportState('ready');
  }

  function renderTiles(hall) {
    TILES.forEach(function (tile) {
      const node = $('report-tiles').querySelector('[data-figure="' + tile.figure + '"]');
      if (!node) return;
      const text = tile.value(hall);
      node.querySelector('.value').textContent = text;
      const unit = node.querySelector('.unit');
      if (tile.figure === 'busiestHour') {
        const arrivals = isNumber(hall.busiestHour) ? listOf(hall.arrivalsByHour)[hall.busiestHour] : null;
        unit.textContent = isNumber(arrivals) ? arrivals + ' tiket' : '';
      }
      unit.hidden = text === EMPTY;
      node.className = 'tile' + (tile.figure === 'busiestHour' ? ' wide' : '') + (text === EMPTY ? ' empty' : '');
    });
  }

  /** The two heading rows of a figures table, after the `first` columns that name the row. */
  function figuresHead(first) {
    const top = first.map(function (label) { return el('th', { scope: 'col', rowspan: 2, text: label }); });
    const bottom = [];
    let group = null;
    COLUMNS.forEach(function (column) {
      if (!column.group) {
        group = null;
        top.push(el('th', { scope: 'col', rowspan: 2, className: 'num', text: column.label }));
        return;
      }
      if (!group || group.textContent !== column.group) {
        group = el('th', { scope: 'colgroup', colspan: 1, className: 'group', text: column.group });
        top.push(group);
      } else {
        group.setAttribute('colspan', parseInt(group.getAttribute('colspan'), 10) + 1);
      }
      bottom.push(el('th', { scope: 'col', className: 'num', text: column.label }));
    });
    return el('thead', null, [el('tr', null, top), el('tr', null, bottom)]);
  }

  function figureCells(line) {
    return COLUMNS.map(function (column) {
      const value = column.value(line || {});
      return el('td', {
        className: 'num' + (column.group ? ' minutes' : ''),
        'data-figure': column.figure,
        'data-value': isNumber(value) ? value : null,
        text: column.format(value)
      });
    });
  }

  function totalRow(hall, span) {
    return el('tr', { className: 'total', 'data-total': true }, [
      el('th', { scope: 'row', colspan: span, text: TEXT.all })
    ].concat(figureCells(hall)));
  }

  function emptyRow(text, span) {
    return el('tr', { className: 'none' }, [el('td', { colspan: span, className: 'muted', text: text })]);
  }

  function renderAgencies(data) {
    const table = $('report-agencies');
    clear(table);
    const agencies = listOf(data.agencies);
    append(table, [
      el('caption', { className: 'visually-hidden', text: 'Angka per instansi' }),
      figuresHead(['Instansi']),
      el('tbody', null, agencies.length ? agencies.map(function (agency) {
        return el('tr', { 'data-agency': agency.id, className: agency.issued ? null : 'quiet' },
          [el('th', { scope: 'row', text: agency.name })].concat(figureCells(agency)));
      }) : [emptyRow(TEXT.noAgencies, COLUMNS.length + 1)]),
      el('tfoot', null, [totalRow(data.hall, 1)])
    ]);
  }

  /** Services under their agency's name (the site file's order), so that the table fits a laptop. */
  function renderServices(data) {
    const table = $('report-services');
    clear(table);
    const agencies = listOf(data.agencies);
    const services = listOf(data.services);
    const groups = agencies.map(function (agency) { return { id: agency.id, name: agency.name, services: [] }; });
    const byId = {};
    groups.forEach(function (group) { byId[group.id] = group; });
    services.forEach(function (service) {
      let group = byId[service.agency];
      if (!group) {
        group = { id: service.agency, name: service.agency || EMPTY, services: [] };
        byId[service.agency] = group;
        groups.push(group);
      }
      group.services.push(service);
    });
    const span = COLUMNS.length + 2;
    const rows = [];
    groups.forEach(function (group) {
      if (!group.services.length) return;
      rows.push(el('tr', { className: 'group-row', 'data-agency-group': group.id }, [
        el('th', { scope: 'colgroup', colspan: span, text: group.name })
      ]));
      group.services.forEach(function (service) {
        rows.push(el('tr', { 'data-service': service.code, 'data-agency': service.agency, className: service.issued ? null : 'quiet' }, [
          el('td', { className: 'code', text: service.code }),
          el('th', { scope: 'row', text: service.name })
        ].concat(figureCells(service))));
      });
    });
    append(table, [
      el('caption', { className: 'visually-hidden', text: 'Angka per layanan, dikelompokkan per instansi' }),
      figuresHead(['Kode', 'Layanan']),
      el('tbody', null, rows.length ? rows : [emptyRow(TEXT.noServices, span)]),
      el('tfoot', null, [totalRow(data.hall, 2)])
    ]);
  }

  function renderCounters(counters) {
    const table = $('report-counters');
    clear(table);
    const longest = counters.reduce(function (most, c) { return Math.max(most, isNumber(c.openMinutes) ? c.openMinutes : 0); }, 0);
    append(table, [
      el('caption', { className: 'visually-hidden', text: 'Waktu buka per loket' }),
      el('thead', null, [el('tr', null, [
        el('th', { scope: 'col', text: 'Loket' }),
        el('th', { scope: 'col', className: 'num', text: 'Waktu buka' }),
        el('th', { scope: 'col', className: 'share', text: 'Perbandingan' })
      ])]),
      el('tbody', null, counters.length ? counters.map(function (counter) {
        const share = longest > 0 && isNumber(counter.openMinutes) ? Math.round(counter.openMinutes / longest * 100) : 0;
        return el('tr', { 'data-counter': counter.number, className: counter.openMinutes ? null : 'quiet' }, [
          el('th', { scope: 'row', text: counter.name || 'Loket ' + counter.number }),
          el('td', { className: 'num', 'data-minutes': isNumber(counter.openMinutes) ? counter.openMinutes : null,
            text: duration(counter.openMinutes) }),
          el('td', { className: 'share', 'aria-hidden': 'true' }, [
            el('span', { className: 'share-bar', style: 'width: ' + share + '%' })
          ])
        ]);
      }) : [emptyRow(TEXT.noCounters, 3)])
    ]);
  }

  // ---------------------------------------------------------------------------------------------
  // Charts: inline SVG, sized by their viewBox; colours come from reports.css (grey in print), and
  // every mark also differs in shape or carries its number as text.

  /** Empties a chart and gives it its size, <title>, <desc> and label for screen readers. */
  function startChart(node, width, height, title, description) {
    clear(node);
    const id = node.getAttribute('id');
    node.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    node.setAttribute('width', width);
    node.setAttribute('height', height);
    node.setAttribute('role', 'img');
    node.setAttribute('aria-label', title);
    node.setAttribute('aria-describedby', id + '-desc');
    node.appendChild(svg('title', { id: id + '-title', text: title }));
    node.appendChild(svg('desc', { id: id + '-desc', text: description }));
    return node;
  }

  function svgText(x, y, text, className, anchor, extra) {
    const attrs = { x: x, y: y, className: className || 'tick', 'text-anchor': anchor || 'start', text: text };
    Object.keys(extra || {}).forEach(function (key) { attrs[key] = extra[key]; });
    return svg('text', attrs);
  }

  /** (a) Tickets issued per hour of the day, one bar per hour. */
  function drawHours(hall) {
    const arrivals = listOf(hall.arrivalsByHour);
    let first = FIRST_HOUR;
    let last = LAST_HOUR;
    arrivals.forEach(function (value, hour) {
      if (value > 0) {
        first = Math.min(first, hour);
        last = Math.max(last, hour);
      }
    });
    const hours = [];
    for (let h = first; h <= last; h++) hours.push({ hour: h, value: isNumber(arrivals[h]) ? arrivals[h] : 0 });

    const width = 640;
    const height = 280;
    const m = { left: 58, right: 12, top: 24, bottom: 56 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const max = hours.reduce(function (most, h) { return Math.max(most, h.value); }, 0);
    const range = scale(max, 4, true);
    const y = function (v) { return m.top + plotH - v / range.max * plotH; };
    const slot = plotW / hours.length;
    const barW = Math.max(4, slot * 0.68);

    const busy = hours.filter(function (h) { return h.value > 0; })
      .map(function (h) { return hourRange(h.hour) + ': ' + h.value; });
    const description = 'Diagram batang tiket diterbitkan per jam, ' + pad2(first) + '.00 sampai ' + pad2(last + 1) + '.00. ' +
      (busy.length ? busy.join('; ') + '.' : TEXT.noTickets) +
      (isNumber(hall.busiestHour) ? ' Jam tersibuk ' + hourRange(hall.busiestHour) + '.' : '');
    const chart = startChart($('chart-hours'), width, height, 'Kedatangan per jam', description);

    ticks(range).forEach(function (v) {
      chart.appendChild(svg('line', { className: 'grid', x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
      chart.appendChild(svgText(m.left - 8, y(v) + 4, tick(v), 'tick', 'end'));
    });
    hours.forEach(function (h, i) {
      const cx = m.left + slot * i + slot / 2;
      const top = y(h.value);
      const bar = svg('rect', {
        className: 'bar' + (h.hour === hall.busiestHour ? ' busiest' : ''),
        x: (cx - barW / 2).toFixed(1), y: top.toFixed(1), width: barW.toFixed(1),
        height: Math.max(0, m.top + plotH - top).toFixed(1),
        'data-hour': h.hour, 'data-value': h.value
      }, [svg('title', { text: hourRange(h.hour) + ': ' + h.value + ' tiket' })]);
      chart.appendChild(bar);
      if (h.value > 0) chart.appendChild(svgText(cx, top - 5, String(h.value), 'value-label', 'middle'));
      chart.appendChild(svgText(cx, m.top + plotH + 16, pad2(h.hour), 'tick', 'middle'));
    });
    chart.appendChild(svg('line', { className: 'axis', x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH }));
    chart.appendChild(svgText(m.left + plotW / 2, height - 10, 'Jam pengambilan tiket (waktu setempat)', 'axis-label', 'middle'));
    chart.appendChild(svgText(0, 0, 'Tiket diterbitkan', 'axis-label', 'middle',
      { transform: 'translate(16 ' + (m.top + plotH / 2) + ') rotate(-90)' }));
  }

  /** (b) Each agency's median wait as a bar, its p90 as an upright line, both written out. */
  function drawAgencies(agencies) {
    const width = 640;
    const rowH = 46;
    const m = { left: 12, right: 150, top: 40, bottom: 50 };
    const height = m.top + Math.max(1, agencies.length) * rowH + m.bottom;
    const plotW = width - m.left - m.right;
    const max = agencies.reduce(function (most, a) {
      const wait = summary(a, 'waitMinutes');
      return Math.max(most, isNumber(wait.p90) ? wait.p90 : 0, isNumber(wait.median) ? wait.median : 0);
    }, 0);
    const range = scale(max, 5, false);
    const x = function (v) { return m.left + v / range.max * plotW; };
    const plotBottom = m.top + Math.max(1, agencies.length) * rowH;

    const lines = agencies.map(function (a) {
      const wait = summary(a, 'waitMinutes');
      return a.name + ': ' + (isNumber(wait.median) ?
        'median ' + minutes(wait.median) + ', p90 ' + minutes(wait.p90) : TEXT.noWait);
    });
    const description = 'Diagram batang mendatar median waktu tunggu per instansi, dengan penanda p90. ' +
      (lines.length ? lines.join('; ') + '.' : TEXT.noAgencies);
    const chart = startChart($('chart-agencies'), width, height, 'Waktu tunggu per instansi', description);

    // Legend: a bar and an upright line, named.
    chart.appendChild(svg('rect', { className: 'swatch', x: m.left, y: 10, width: 22, height: 12 }));
    chart.appendChild(svgText(m.left + 28, 20, 'Median', 'legend'));
    chart.appendChild(svg('line', { className: 'marker', x1: m.left + 110, x2: m.left + 110, y1: 6, y2: 26 }));
    chart.appendChild(svgText(m.left + 118, 20, 'p90 (persentil ke-90)', 'legend'));

    ticks(range).forEach(function (v) {
      chart.appendChild(svg('line', { className: 'grid', x1: x(v), x2: x(v), y1: m.top - 4, y2: plotBottom }));
      chart.appendChild(svgText(x(v), plotBottom + 16, tick(v), 'tick', 'middle'));
    });
    if (!agencies.length) {
      chart.appendChild(svgText(m.left + plotW / 2, m.top + rowH / 2 + 4, TEXT.noAgencies, 'note', 'middle'));
    }
    agencies.forEach(function (agency, i) {
      const wait = summary(agency, 'waitMinutes');
      const top = m.top + i * rowH;
      const group = svg('g', { className: 'agency-row', 'data-agency': agency.id,
        'data-median': isNumber(wait.median) ? wait.median : null, 'data-p90': isNumber(wait.p90) ? wait.p90 : null });
      group.appendChild(svg('title', { text: lines[i] }));
      group.appendChild(svgText(m.left, top + 13, shorten(agency.name, 64), 'row-label'));
      const barY = top + 19;
      let end = m.left;
      if (isNumber(wait.median)) {
        end = x(wait.median);
        group.appendChild(svg('rect', { className: 'bar', x: m.left, y: barY, width: Math.max(1, end - m.left).toFixed(1), height: 18,
          'data-value': wait.median }));
      }
      if (isNumber(wait.p90)) {
        const px = x(wait.p90);
        group.appendChild(svg('line', { className: 'marker', x1: px.toFixed(1), x2: px.toFixed(1), y1: barY - 4, y2: barY + 22,
          'data-value': wait.p90 }));
        end = Math.max(end, px);
      }
      const label = isNumber(wait.median) ?
        decimal(wait.median) + (isNumber(wait.p90) ? ' · p90 ' + decimal(wait.p90) : '') + ' mnt' : TEXT.noWait;
      group.appendChild(svgText(end + 8, barY + 14, label, isNumber(wait.median) ? 'value-label' : 'note'));
      chart.appendChild(group);
    });
    chart.appendChild(svg('line', { className: 'axis', x1: m.left, x2: m.left, y1: m.top - 4, y2: plotBottom }));
    chart.appendChild(svgText(m.left + plotW / 2, height - 10, 'Menit menunggu', 'axis-label', 'middle'));
  }

  /** (c) A month: tickets issued per day as bars (left axis), median wait as a dotted line (right axis). */
  function drawTrend(days) {
    const width = 1000;
    const height = 300;
    const m = { left: 64, right: 68, top: 40, bottom: 56 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const n = Math.max(1, days.length);
    const slot = plotW / n;
    const barW = Math.max(3, slot * 0.62);
    const maxIssued = days.reduce(function (most, d) { return Math.max(most, isNumber(d.issued) ? d.issued : 0); }, 0);
    const maxWait = days.reduce(function (most, d) { return Math.max(most, isNumber(d.waitMedianMinutes) ? d.waitMedianMinutes : 0); }, 0);
    const left = scale(maxIssued, 4, true);
    const right = scale(maxWait, 4, false);
    const yLeft = function (v) { return m.top + plotH - v / left.max * plotH; };
    const yRight = function (v) { return m.top + plotH - v / right.max * plotH; };
    const dayOf = function (d) { return parseInt(String(d.date).slice(8, 10), 10); };

    const total = days.reduce(function (sum, d) { return sum + (isNumber(d.issued) ? d.issued : 0); }, 0);
    const busiest = days.reduce(function (best, d) { return !best || d.issued > best.issued ? d : best; }, null);
    const description = 'Diagram batang tiket diterbitkan per hari dan garis median waktu tunggu per hari. ' +
      'Jumlah sebulan ' + total + ' tiket' +
      (busiest && busiest.issued > 0 ? '; hari tersibuk ' + longDate(busiest.date) + ' dengan ' + busiest.issued + ' tiket' : '') + '. ' +
      days.filter(function (d) { return d.issued > 0; }).map(function (d) {
        return dayOf(d) + ': ' + d.issued + ' tiket, median tunggu ' + minutes(d.waitMedianMinutes);
      }).join('; ');
    const chart = startChart($('chart-trend'), width, height, 'Tren sebulan', description);

    // Legend: a bar and a line with dots, each with its axis.
    chart.appendChild(svg('rect', { className: 'swatch', x: m.left, y: 10, width: 22, height: 12 }));
    chart.appendChild(svgText(m.left + 28, 20, 'Tiket diterbitkan (batang, sumbu kiri)', 'legend'));
    chart.appendChild(svg('line', { className: 'line', x1: m.left + 330, x2: m.left + 366, y1: 16, y2: 16 }));
    chart.appendChild(svg('circle', { className: 'point', cx: m.left + 348, cy: 16, r: 4 }));
    chart.appendChild(svgText(m.left + 374, 20, 'Median tunggu (garis bertitik, sumbu kanan)', 'legend'));

    ticks(left).forEach(function (v) {
      chart.appendChild(svg('line', { className: 'grid', x1: m.left, x2: width - m.right, y1: yLeft(v), y2: yLeft(v) }));
      chart.appendChild(svgText(m.left - 8, yLeft(v) + 4, tick(v), 'tick', 'end'));
    });
    ticks(right).forEach(function (v) {
      chart.appendChild(svgText(width - m.right + 8, yRight(v) + 4, tick(v), 'tick right-tick', 'start'));
    });

    const points = [];
    days.forEach(function (d, i) {
      const cx = m.left + slot * i + slot / 2;
      const value = isNumber(d.issued) ? d.issued : 0;
      const top = yLeft(value);
      chart.appendChild(svg('rect', {
        className: 'bar', x: (cx - barW / 2).toFixed(1), y: top.toFixed(1), width: barW.toFixed(1),
        height: Math.max(0, m.top + plotH - top).toFixed(1), 'data-date': d.date, 'data-value': value
      }, [svg('title', { text: longDate(d.date) + ': ' + value + ' tiket diterbitkan, ' + (isNumber(d.served) ? d.served : 0) +
        ' dilayani, median tunggu ' + minutes(d.waitMedianMinutes) })]));
      chart.appendChild(svgText(cx, m.top + plotH + 16, String(dayOf(d)), 'tick', 'middle'));
      points.push(isNumber(d.waitMedianMinutes) ? { x: cx, y: yRight(d.waitMedianMinutes), d: d } : null);
    });

    // The line breaks where a day has no wait (nobody called).
    let path = '';
    points.forEach(function (p, i) {
      if (!p) return;
      path += (i > 0 && points[i - 1] ? ' L' : ' M') + p.x.toFixed(1) + ' ' + p.y.toFixed(1);
    });
    if (path) chart.appendChild(svg('path', { className: 'line', d: path.trim() }));
    points.forEach(function (p) {
      if (!p) return;
      chart.appendChild(svg('circle', { className: 'point', cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 4,
        'data-date': p.d.date, 'data-value': p.d.waitMedianMinutes },
      [svg('title', { text: longDate(p.d.date) + ': median tunggu ' + minutes(p.d.waitMedianMinutes) })]));
    });

    chart.appendChild(svg('line', { className: 'axis', x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH }));
    chart.appendChild(svg('line', { className: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH }));
    chart.appendChild(svg('line', { className: 'axis', x1: width - m.right, x2: width - m.right, y1: m.top, y2: m.top + plotH }));
    chart.appendChild(svgText(m.left + plotW / 2, height - 10, 'Tanggal', 'axis-label', 'middle'));
    chart.appendChild(svgText(0, 0, 'Tiket diterbitkan', 'axis-label', 'middle',
      { transform: 'translate(18 ' + (m.top + plotH / 2) + ') rotate(-90)' }));
    chart.appendChild(svgText(0, 0, 'Median tunggu (menit)', 'axis-label', 'middle',
      { transform: 'translate(' + (width - 14) + ' ' + (m.top + plotH / 2) + ') rotate(90)' }));
  }

  // ---------------------------------------------------------------------------------------------

  async function start() {
    $('btn-print').addEventListener('click', function () { root.print(); });
    $('daily-form').addEventListener('submit', function (event) { submitPicker('daily', event); });
    $('monthly-form').addEventListener('submit', function (event) { submitPicker('monthly', event); });
    ['input', 'change'].forEach(function (type) {
      $('report-date').addEventListener(type, function () { pickerChanged('daily'); });
      $('report-month').addEventListener(type, function () { pickerChanged('monthly'); });
    });
    setDefaults();
    // The site's time zone decides what "today" is; the page goes on without it.
    await loadSite();
    setDefaults();
    signIn.start({ mainId: 'reports-main', onSignedIn: signedIn, onSignedOut: signedOut });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
