/*
 * Panggil admin page (/admin): users, devices and their tokens, and a read-only view of the site.
 *
 * Plain script, ES2017 at most, no build step (the same rule as every page under display-layouts, which
 * a repository test checks). The server decides who may do what: this page asks, and shows the API's
 * own Indonesian message when it refuses (401: sign in again; 403: not an admin).
 *
 * Confirmations happen inside the row ("Hapus siti? Ya, hapus / Batal") rather than with
 * window.confirm, which blocks the page and cannot be styled or driven by automated tests.
 */
(function (root) {
  'use strict';

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
  const ROLES = { admin: 'Admin', supervisor: 'Supervisor', staff: 'Petugas loket' };
  const KINDS = { kiosk: 'Kios tiket', integration: 'Integrasi' };
  const LAYOUTS = { hall: 'Layar aula', portrait: 'Layar tegak', counter: 'Layar loket', phone: 'Ponsel' };
  const ZONE_LABELS = {
    'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT'
  };
  const NAME_RE = /^[a-z0-9._-]{1,40}$/;
  const RETRY_MS = 5000;
  const BROADCAST_REFRESH_MS = 10000;
  const BROADCAST_KINDS = { notice: 'Pengumuman berjalan', emergency: 'Darurat' };
  const BROADCAST_STATUS = { active: 'Aktif', scheduled: 'Terjadwal' };
  const OCCASIONS = { 'break': 'Istirahat terjadwal', closing: 'Menjelang tutup' };
  /** Offsets of Indonesia's zones (no daylight saving); other zones use the browser's own. */
  const SITE_OFFSETS = {
    'Asia/Jakarta': '+07:00', 'Asia/Pontianak': '+07:00', 'Asia/Makassar': '+08:00', 'Asia/Jayapura': '+09:00'
  };

  const TEXT = {
    network: 'Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi.',
    notAdmin: 'Anda masuk sebagai {role}. Siaran, pengguna dan perangkat hanya dapat dikelola oleh admin.',
    noUsers: 'Belum ada pengguna.',
    noDevices: 'Belum ada perangkat. Buat satu untuk setiap kios tiket.',
    noScreens: 'Belum ada layar yang tersambung sejak server dijalankan.',
    phones: '{count} ponsel warga sedang mengikuti tiketnya.',
    screenConnected: 'Tersambung',
    screenGone: 'Terputus',
    screenNow: 'sekarang',
    screenNever: 'belum pernah sejak server dijalankan',
    screenUnnamed: '(tanpa profil)',
    nameMissing: 'Isi nama terlebih dahulu.',
    nameInvalid: 'Nama hanya boleh huruf kecil, angka, titik, garis bawah atau tanda hubung (1–40 karakter).',
    passwordShort: 'Kata sandi minimal 8 karakter.',
    passwordNeeded: 'Pengguna baru memerlukan kata sandi (minimal 8 karakter).',
    counterNeeded: 'Petugas loket harus dipilihkan minimal satu loket.',
    userAdded: 'Pengguna {name} ditambahkan.',
    userChanged: 'Perubahan pengguna {name} disimpan.',
    userRemoved: 'Pengguna {name} dihapus.',
    deviceRevoked: 'Token perangkat {name} dicabut.',
    copied: 'Tersalin.',
    copyManual: 'Tidak dapat menyalin otomatis: pilih teksnya lalu tekan Ctrl+C.',
    siteMissing: 'Data situs belum dapat dimuat ({reason}). Mencoba lagi…',
    countersMissing: 'Data loket belum dimuat.',
    allZones: 'Semua zona',
    noZones: 'Situs ini tidak mempunyai zona.',
    zonesLoading: 'Memuat zona…',
    timeSite: 'Jam menurut zona waktu situs ({zone}, UTC{offset}).',
    timeBrowser: 'Jam menurut zona waktu komputer ini.',
    noTemplates: 'Belum ada siaran siap pakai. Tambahkan di berkas situs, bagian emergency.templates.',
    confirmTemplate: 'Siarkan “{title}”?',
    confirmEmergency: 'Siarkan peringatan darurat?',
    submitNotice: 'Siarkan',
    sendNow: 'Siarkan sekarang',
    sendLater: 'Jadwalkan siaran',
    submitEmergency: 'Siarkan peringatan darurat…',
    textMissing: 'Isi teks siaran terlebih dahulu.',
    broadcastStarted: 'Pengumuman sedang disiarkan.',
    emergencyStarted: 'Peringatan darurat sedang disiarkan.',
    broadcastScheduled: 'Siaran dijadwalkan mulai {time}.',
    broadcastEnded: 'Siaran diakhiri.',
    broadcastCancelled: 'Siaran terjadwal dibatalkan.',
    noBroadcasts: 'Tidak ada siaran aktif atau terjadwal.'
  };

  const document = root.document;
  const state = {
    me: null,
    site: null,
    displays: null,
    users: [],
    devices: [],
    editing: null,       // name of the user being changed, or null when adding
    confirming: null,    // 'user:siti' or 'device:3': the row asking for confirmation
    templates: null,     // GET /api/broadcasts/templates, once loaded
    broadcasts: null,    // GET /api/broadcasts, once loaded
    broadcastKey: '',    // what the list last showed
    ending: [],          // ids of broadcasts being ended
    pending: null,       // what #broadcast-confirm would send: {template, opener} or {body, opener}
    blankValues: {},     // template id → the blanks typed, kept when the dialog closes unsent
    sending: false,
    spokenChoice: false  // the notice's own "spoken" choice while the kind is emergency
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

  /** Builds an element; text goes in as text, never as HTML (names come from users). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        const value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'onclick') node.addEventListener('click', value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function setMessage(id, text, kind) {
    const node = $(id);
    node.textContent = text || '';
    node.className = 'message' + (text && kind ? ' ' + kind : '');
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function zoneLabel() {
    const tz = state.site && state.site.timezone;
    return ZONE_LABELS[tz] || tz || '';
  }

  /**
   * `29 Nov 2026 10.31 WIB` in the site's time zone (device times come in UTC). The admin's laptop
   * may be set to another zone; without Intl time zones it falls back to the laptop's own.
   */
  function formatInstant(iso) {
    const ms = Date.parse(iso);
    if (!iso || isNaN(ms)) return iso || '';
    let parts = null;
    let label = zoneLabel();
    try {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: (state.site && state.site.timezone) || 'Asia/Jakarta',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hour12: false
      });
      parts = {};
      format.formatToParts(new Date(ms)).forEach(function (part) { parts[part.type] = part.value; });
    } catch (e) {
      parts = null;
    }
    if (!parts || !parts.year) {
      const d = new Date(ms);
      parts = { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
      label = '';
    }
    const hour = parseInt(parts.hour, 10) % 24;  // some ICU versions write midnight as 24
    return parseInt(parts.day, 10) + ' ' + MONTHS[parseInt(parts.month, 10) - 1] + ' ' + parts.year + ' ' +
      pad2(hour) + '.' + pad2(parseInt(parts.minute, 10)) + (label ? ' ' + label : '');
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in (shared/signin.js, the same on the reports page)

  const signIn = root.PanggilSignIn;
  const api = signIn.api;
  const errorText = signIn.errorText;
  const sessionEnded = signIn.sessionEnded;
  const showLogin = signIn.showLogin;
  const lowercaseAsTyped = signIn.lowercaseAsTyped;

  /** After "Masuk sebagai …" and the main view: what this user may see, loaded fresh. */
  function signedIn(user) {
    state.me = user;
    const warning = $('role-warning');
    warning.hidden = user.role === 'admin';
    warning.textContent = user.role === 'admin' ? '' : fill(TEXT.notAdmin, { role: ROLES[user.role] || user.role });
    loadUsers();
    loadDevices();
    loadTemplates();
    loadBroadcasts();
    loadScreens();
    renderSite();
  }

  /** Before the sign-in form: nothing of the last user's lists, forms or tokens stays on the page. */
  function signedOut() {
    state.me = null;
    state.users = [];
    state.devices = [];
    state.confirming = null;
    if (state.pending) closeConfirm();
    hideToken();
    resetUserForm();
  }

  // ---------------------------------------------------------------------------------------------
  // Users

  async function loadUsers() {
    let result;
    try {
      result = await api('GET', '/api/users');
    } catch (e) {
      renderListError('users', TEXT.network);
      return;
    }
    if (sessionEnded(result)) return;
    if (!result.ok || !Array.isArray(result.data)) {
      // 403 for supervisors and staff: the API's message, and no form they could not use.
      renderListError('users', errorText(result));
      $('user-form').hidden = true;
      return;
    }
    state.users = result.data.slice().sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
    $('user-form').hidden = false;
    renderUsers();
  }

  function renderListError(id, message) {
    const box = $(id);
    box.textContent = '';
    box.appendChild(el('div', { className: 'message error', role: 'alert', text: message }));
  }

  function counterName(number) {
    const counters = state.site && Array.isArray(state.site.counters) ? state.site.counters : [];
    const counter = counters.filter(function (c) { return c.number === number; })[0];
    return counter ? counter.name : 'Loket ' + number;
  }

  function renderUsers() {
    const box = $('users');
    box.textContent = '';
    if (!state.users.length) {
      box.appendChild(el('p', { className: 'muted', text: TEXT.noUsers }));
      return;
    }
    const rows = state.users.map(function (user) {
      const self = state.me && state.me.name === user.name;
      const counters = Array.isArray(user.counters) && user.counters.length ?
        user.counters.map(counterName).join(', ') : '—';
      return el('tr', { className: 'user', 'data-user': user.name }, [
        el('td', null, [el('strong', { text: user.name }), self ? el('span', { className: 'muted', text: ' (Anda)' }) : null]),
        el('td', { text: ROLES[user.role] || user.role }),
        el('td', { text: counters }),
        el('td', { className: 'actions' }, userActions(user, self))
      ]);
    });
    box.appendChild(table(['Nama', 'Peran', 'Loket', ''], rows));
  }

  function userActions(user, self) {
    if (state.confirming === 'user:' + user.name) {
      return [
        el('span', { className: 'confirm-text', text: self ? 'Hapus akun Anda sendiri? Anda akan keluar.' : 'Hapus ' + user.name + '?' }),
        el('button', { type: 'button', className: 'button danger btn-confirm', onclick: function () { deleteUser(user.name); } }, ['Ya, hapus']),
        el('button', { type: 'button', className: 'button btn-cancel', onclick: function () { state.confirming = null; renderUsers(); } }, ['Batal'])
      ];
    }
    return [
      el('button', { type: 'button', className: 'button btn-edit', onclick: function () { editUser(user); } }, ['Ubah']),
      el('button', { type: 'button', className: 'button btn-delete', onclick: function () { state.confirming = 'user:' + user.name; renderUsers(); } }, ['Hapus'])
    ];
  }

  function table(headings, rows) {
    return el('table', { className: 'table' }, [
      el('thead', null, [el('tr', null, headings.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', null, rows)
    ]);
  }

  /** Fills the counters list from the site, keeping `selected` chosen (and showing unknown ones). */
  function renderCounterOptions(selected) {
    const select = $('user-counters');
    const chosen = {};
    (selected || []).forEach(function (n) { chosen[n] = true; });
    select.textContent = '';
    const counters = state.site && Array.isArray(state.site.counters) ? state.site.counters : [];
    if (!counters.length) {
      select.appendChild(el('option', { disabled: true, text: TEXT.countersMissing }));
    }
    const zones = {};
    (state.site && Array.isArray(state.site.zones) ? state.site.zones : []).forEach(function (z) { zones[z.id] = z.name; });
    const known = {};
    counters.forEach(function (counter) {
      known[counter.number] = true;
      const services = Array.isArray(counter.services) ? counter.services.join(', ') : '';
      const option = el('option', {
        value: counter.number,
        text: counter.name + ' — ' + (zones[counter.zone] || counter.zone || '') + (services ? ' · ' + services : '')
      });
      option.selected = !!chosen[counter.number];
      select.appendChild(option);
    });
    // A user may still hold a counter the site file no longer has: show it, so it can be removed.
    (selected || []).forEach(function (n) {
      if (known[n]) return;
      const option = el('option', { value: n, text: 'Loket ' + n + ' (tidak ada di situs)' });
      option.selected = true;
      select.appendChild(option);
    });
    updateCountersChosen();
  }

  function selectedCounters() {
    const options = $('user-counters').options;
    const numbers = [];
    for (let i = 0; i < options.length; i++) {
      if (options[i].selected && !options[i].disabled && options[i].value !== '') numbers.push(parseInt(options[i].value, 10));
    }
    return numbers;
  }

  function updateCountersChosen() {
    const numbers = selectedCounters();
    $('user-counters-chosen').textContent = numbers.length ? 'Dipilih: ' + numbers.map(counterName).join(', ') + '.' : '';
    $('user-counters-required').hidden = $('user-role').value !== 'staff';
  }

  /**
   * One click toggles one counter: a plain multiple select would need Ctrl+click, and a plain click
   * there silently drops every other counter already chosen.
   */
  function onCounterMouseDown(event) {
    const option = event.target;
    if (!option || option.tagName !== 'OPTION' || option.disabled) return;
    event.preventDefault();
    option.selected = !option.selected;
    try { $('user-counters').focus(); } catch (e) { /* fine */ }
    updateCountersChosen();
  }

  function editUser(user) {
    state.editing = user.name;
    state.confirming = null;
    $('user-form-title').textContent = 'Ubah pengguna ' + user.name;
    $('user-name').value = user.name;
    $('user-name').readOnly = true;
    $('user-role').value = user.role;
    $('user-password').value = '';
    $('user-password').placeholder = 'Kosongkan agar kata sandi tetap';
    $('user-password-hint').textContent = 'Isi hanya untuk mengganti (minimal 8 karakter); sesi lama pengguna ini berakhir.';
    $('user-cancel').hidden = false;
    setMessage('user-message', '');
    renderCounterOptions(user.counters || []);
    renderUsers();
    try { $('user-role').focus(); } catch (e) { /* fine */ }
  }

  function resetUserForm() {
    state.editing = null;
    $('user-form-title').textContent = 'Tambah pengguna';
    $('user-name').value = '';
    $('user-name').readOnly = false;
    $('user-role').value = 'staff';
    $('user-password').value = '';
    $('user-password').placeholder = '';
    $('user-password-hint').textContent = 'Minimal 8 karakter.';
    $('user-cancel').hidden = true;
    renderCounterOptions([]);
  }

  async function saveUser(event) {
    event.preventDefault();
    const name = $('user-name').value.trim().toLowerCase();
    const role = $('user-role').value;
    const counters = selectedCounters();
    const password = $('user-password').value;
    const exists = state.users.some(function (u) { return u.name === name; });
    if (!name) return setMessage('user-message', TEXT.nameMissing, 'error');
    if (!NAME_RE.test(name)) return setMessage('user-message', TEXT.nameInvalid, 'error');
    if (role === 'staff' && !counters.length) return setMessage('user-message', TEXT.counterNeeded, 'error');
    if (!exists && !password) return setMessage('user-message', TEXT.passwordNeeded, 'error');
    if (password && password.length < 8) return setMessage('user-message', TEXT.passwordShort, 'error');

    const editingAtSubmit = state.editing;
    const body = { name: name, role: role, counters: counters };
    if (password) body.password = password;
    $('user-submit').disabled = true;
    setMessage('user-message', '');
    try {
      const result = await api('POST', '/api/users', body);
      if (sessionEnded(result)) return;
      if (!result.ok) {
        setMessage('user-message', errorText(result), 'error');
        return;
      }
      // Unless the admin has meanwhile opened another user to change: keep that form as it is.
      if (state.editing === editingAtSubmit) resetUserForm();
      setMessage('user-message', fill(result.status === 201 ? TEXT.userAdded : TEXT.userChanged, { name: name }), 'ok');
      // A new password for oneself ends one's own session: the next call says so.
      await loadUsers();
    } catch (e) {
      setMessage('user-message', TEXT.network, 'error');
    } finally {
      $('user-submit').disabled = false;
    }
  }

  async function deleteUser(name) {
    state.confirming = null;
    let result;
    try {
      result = await api('DELETE', '/api/users/' + encodeURIComponent(name));
    } catch (e) {
      setMessage('user-message', TEXT.network, 'error');
      renderUsers();
      return;
    }
    if (sessionEnded(result)) return;
    if (!result.ok) {
      setMessage('user-message', errorText(result), 'error');
      renderUsers();
      return;
    }
    if (state.me && state.me.name === name) {
      showLogin(fill(TEXT.userRemoved, { name: name }));
      return;
    }
    if (state.editing === name) resetUserForm();
    setMessage('user-message', fill(TEXT.userRemoved, { name: name }), 'ok');
    await loadUsers();
  }

  // ---------------------------------------------------------------------------------------------
  // Devices

  async function loadDevices() {
    let result;
    try {
      result = await api('GET', '/api/devices');
    } catch (e) {
      renderListError('devices', TEXT.network);
      return;
    }
    if (sessionEnded(result)) return;
    if (!result.ok || !Array.isArray(result.data)) {
      renderListError('devices', errorText(result));
      $('device-form').hidden = true;
      return;
    }
    // Active devices first: a revoked name can be used again, and the live one is what matters.
    state.devices = result.data.slice().sort(function (a, b) {
      if (!a.revokedAt !== !b.revokedAt) return a.revokedAt ? 1 : -1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : (b.id - a.id);
    });
    $('device-form').hidden = false;
    renderDevices();
  }

  function renderDevices() {
    const box = $('devices');
    box.textContent = '';
    if (!state.devices.length) {
      box.appendChild(el('p', { className: 'muted', text: TEXT.noDevices }));
      return;
    }
    const rows = state.devices.map(function (device) {
      const revoked = !!device.revokedAt;
      return el('tr', { className: 'device' + (revoked ? ' revoked' : ''), 'data-device': device.name, 'data-id': device.id }, [
        el('td', null, [el('strong', { text: device.name })]),
        el('td', { text: KINDS[device.kind] || device.kind }),
        el('td', { text: formatInstant(device.createdAt) }),
        el('td', { className: 'status' }, [revoked ?
          el('span', { className: 'state-off', text: 'Dicabut ' + formatInstant(device.revokedAt) }) :
          el('span', { className: 'state-on', text: 'Aktif' })]),
        el('td', { className: 'actions' }, revoked ? [] : deviceActions(device))
      ]);
    });
    box.appendChild(table(['Nama', 'Jenis', 'Dibuat', 'Status', ''], rows));
  }

  function deviceActions(device) {
    if (state.confirming === 'device:' + device.id) {
      return [
        el('span', { className: 'confirm-text', text: 'Cabut token ' + device.name + '? Perangkat ini langsung berhenti menerbitkan tiket.' }),
        el('button', { type: 'button', className: 'button danger btn-confirm', onclick: function () { revokeDevice(device); } }, ['Ya, cabut']),
        el('button', { type: 'button', className: 'button btn-cancel', onclick: function () { state.confirming = null; renderDevices(); } }, ['Batal'])
      ];
    }
    return [
      el('button', { type: 'button', className: 'button btn-revoke', onclick: function () { state.confirming = 'device:' + device.id; renderDevices(); } }, ['Cabut'])
    ];
  }

  async function createDevice(event) {
    event.preventDefault();
    const name = $('device-name').value.trim().toLowerCase();
    const kind = $('device-kind').value;
    if (!name) return setMessage('device-message', TEXT.nameMissing, 'error');
    if (!NAME_RE.test(name)) return setMessage('device-message', TEXT.nameInvalid, 'error');
    $('device-submit').disabled = true;
    setMessage('device-message', '');
    try {
      const result = await api('POST', '/api/devices', { name: name, kind: kind });
      if (sessionEnded(result)) return;
      if (!result.ok || !result.data || !result.data.token) {
        setMessage('device-message', errorText(result), 'error');
        return;
      }
      $('device-name').value = '';
      showToken(result.data);
      await loadDevices();
    } catch (e) {
      setMessage('device-message', TEXT.network, 'error');
    } finally {
      $('device-submit').disabled = false;
    }
  }

  /** The token, once: it lives only in this page's memory and goes when the box is closed. */
  function showToken(device) {
    const kiosk = device.kind === 'kiosk';
    $('device-token-name').textContent = device.name;
    $('device-token-value').textContent = device.token;
    $('device-token-url').textContent = kiosk ? root.location.origin + '/kiosk?token=' + encodeURIComponent(device.token) : '';
    $('device-token-kiosk').hidden = !kiosk;
    $('device-token-integration').hidden = kiosk;
    setMessage('device-token-copied', '');
    $('device-token').hidden = false;
    try { $('device-token').scrollIntoView({ block: 'start' }); } catch (e) { /* fine */ }
  }

  function hideToken() {
    $('device-token').hidden = true;
    $('device-token-value').textContent = '';
    $('device-token-url').textContent = '';
    $('device-token-name').textContent = '';
  }

  async function revokeDevice(device) {
    state.confirming = null;
    let result;
    try {
      result = await api('DELETE', '/api/devices/' + encodeURIComponent(device.id));
    } catch (e) {
      setMessage('device-message', TEXT.network, 'error');
      renderDevices();
      return;
    }
    if (sessionEnded(result)) return;
    if (!result.ok) {
      setMessage('device-message', errorText(result), 'error');
    } else {
      setMessage('device-message', fill(TEXT.deviceRevoked, { name: device.name }), 'ok');
    }
    await loadDevices();
  }

  /**
   * Copies the text of a code element. navigator.clipboard only exists on HTTPS or localhost, and
   * the admin page is usually opened over plain HTTP on the hall's LAN: select and execCommand then.
   */
  function copyFrom(id) {
    const node = $(id);
    const text = node.textContent;
    function selectIt() {
      try {
        const range = document.createRange();
        range.selectNodeContents(node);
        const selection = root.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return document.execCommand('copy');
      } catch (e) {
        return false;
      }
    }
    function report(ok) {
      setMessage('device-token-copied', ok ? TEXT.copied : TEXT.copyManual, ok ? 'ok' : 'error');
    }
    if (root.navigator && root.navigator.clipboard && root.isSecureContext) {
      root.navigator.clipboard.writeText(text).then(function () { report(true); }, function () { report(selectIt()); });
    } else {
      report(selectIt());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Broadcasts: ready-made texts (templates), a free notice, and the list of active and posted ones.
  // Anything from a template, and every emergency, is confirmed first in #broadcast-confirm.

  /** `2026-11-29T14:05` as the server writes its times (in the site's offset). */
  const BROADCAST_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/;
  const OFFSET_RE = /(?:([+-])(\d{2}):?(\d{2})|[Zz])$/;

  function zonesOfSite() {
    return listOf(state.site && state.site.zones);
  }

  function zoneNames(zones) {
    const names = {};
    zonesOfSite().forEach(function (z) { names[z.id] = z.name; });
    const list = listOf(zones);
    return list.length ? list.map(function (id) { return names[id] || id; }).join(', ') : TEXT.allZones;
  }

  /** The zone checkboxes of a `.zone-chooser` fieldset, keeping what is checked. */
  function renderZoneChooser(id) {
    const box = $(id).querySelector('.zone-options');
    const checked = chosenZones(id);
    box.textContent = '';
    const zones = zonesOfSite();
    if (!zones.length) {
      box.appendChild(el('p', { className: 'muted', text: state.site ? TEXT.noZones : TEXT.zonesLoading }));
    }
    zones.forEach(function (zone) {
      const input = el('input', { type: 'checkbox', value: zone.id, 'data-zone': zone.id, name: 'zone' });
      input.checked = checked.indexOf(zone.id) >= 0;
      input.addEventListener('change', function () { updateZoneSummary(id); });
      box.appendChild(el('label', { className: 'check' }, [input, ' ' + zone.name]));
    });
    updateZoneSummary(id);
  }

  function chosenZones(id) {
    const inputs = $(id).querySelectorAll('input[type="checkbox"]');
    const zones = [];
    for (let i = 0; i < inputs.length; i++) if (inputs[i].checked) zones.push(inputs[i].value);
    return zones;
  }

  function setChosenZones(id, zones) {
    const inputs = $(id).querySelectorAll('input[type="checkbox"]');
    for (let i = 0; i < inputs.length; i++) inputs[i].checked = listOf(zones).indexOf(inputs[i].value) >= 0;
    updateZoneSummary(id);
  }

  function updateZoneSummary(id) {
    const chosen = chosenZones(id);
    $(id).querySelector('.zone-summary').textContent = zoneNames(chosen);
    $(id).setAttribute('data-zones', chosen.length ? chosen.join(',') : 'all');
  }

  /** `+07:00` for the site's zone (the WIB, WITA and WIT zones), else the browser's own offset then. */
  function siteOffset(year, month, day, hour, minute) {
    const tz = state.site && state.site.timezone;
    if (SITE_OFFSETS[tz]) return SITE_OFFSETS[tz];
    const minutes = -new Date(year, month - 1, day, hour, minute).getTimezoneOffset();
    const abs = Math.abs(minutes);
    return (minutes < 0 ? '-' : '+') + pad2(Math.floor(abs / 60)) + ':' + pad2(abs % 60);
  }

  /** A datetime-local value (`2026-11-29T14:05`) as ISO 8601 in the site's offset, or null when empty. */
  function localToIso(value) {
    const m = BROADCAST_TIME_RE.exec(value || '');
    if (!m) return null;
    return m[1] + '-' + m[2] + '-' + m[3] + 'T' + m[4] + ':' + m[5] + ':00' +
      siteOffset(+m[1], +m[2], +m[3], +m[4], +m[5]);
  }

  /** `14.05` today, `30 Nov 14.05` another day: the wall clock the server wrote, in the site's offset. */
  function broadcastTime(iso) {
    const m = BROADCAST_TIME_RE.exec(iso || '');
    if (!m) return iso || '';
    const clock = m[4] + '.' + m[5];
    const offset = OFFSET_RE.exec(iso);
    const minutes = offset && offset[1] ? (offset[1] === '-' ? -1 : 1) * (parseInt(offset[2], 10) * 60 + parseInt(offset[3], 10)) : 0;
    const today = new Date(Date.now() + minutes * 60000).toISOString().slice(0, 10);
    if (m[1] + '-' + m[2] + '-' + m[3] === today) return clock;
    return parseInt(m[3], 10) + ' ' + MONTHS[parseInt(m[2], 10) - 1] + ' ' + clock;
  }

  function updateTimeHint() {
    const tz = state.site && state.site.timezone;
    $('broadcast-time-hint').textContent = SITE_OFFSETS[tz] ?
      fill(TEXT.timeSite, { zone: zoneLabel(), offset: SITE_OFFSETS[tz] }) : TEXT.timeBrowser;
  }

  function broadcastError(text) {
    setMessage('broadcast-error', text, 'error');
    if (text) {
      setMessage('broadcast-ok', '');
      try { $('broadcast-error').scrollIntoView({ block: 'nearest' }); } catch (e) { /* fine */ }
    }
  }

  function broadcastOk(text) {
    setMessage('broadcast-error', '');
    setMessage('broadcast-ok', text, 'ok');
  }

  // --- Templates

  async function loadTemplates() {
    let result;
    try {
      result = await api('GET', '/api/broadcasts/templates');
    } catch (e) {
      renderListError('broadcast-templates', TEXT.network);
      return;
    }
    if (!result.ok || !Array.isArray(result.data)) {
      renderListError('broadcast-templates', errorText(result));
      return;
    }
    state.templates = result.data;
    renderTemplates();
  }

  function renderTemplates() {
    const box = $('broadcast-templates');
    box.textContent = '';
    const templates = listOf(state.templates);
    if (!templates.length) {
      box.appendChild(el('p', { className: 'muted', text: TEXT.noTemplates }));
      return;
    }
    templates.forEach(function (template) {
      const emergency = template.kind === 'emergency';
      box.appendChild(el('button', {
        type: 'button',
        className: 'button template-button' + (emergency ? ' danger emergency' : ''),
        'data-template': template.id,
        'data-kind': template.kind,
        onclick: function (event) { openTemplateConfirm(template, event.currentTarget); }
      }, [
        el('span', { className: 'template-title', text: template.title }),
        el('span', { className: 'template-kind', text: BROADCAST_KINDS[template.kind] || template.kind })
      ]));
    });
  }

  // --- Confirmation dialog

  function openTemplateConfirm(template, opener) {
    const values = state.blankValues[template.id] || {};
    state.pending = { template: template, opener: opener };
    const blanks = $('broadcast-confirm-blanks');
    blanks.textContent = '';
    listOf(template.blanks).forEach(function (name, i) {
      const id = /^[A-Za-z0-9_-]+$/.test(name) ? 'broadcast-blank-' + name : 'broadcast-blank-' + i;
      const input = el('input', { id: id, type: 'text', name: name, 'data-blank': name, maxlength: 100, autocomplete: 'off' });
      input.value = values[name] || '';
      input.addEventListener('input', updateConfirmPreview);
      blanks.appendChild(el('label', { 'for': id, text: blankLabel(name) }));
      blanks.appendChild(input);
    });
    blanks.hidden = !listOf(template.blanks).length;
    renderZoneChooser('broadcast-confirm-zones');
    setChosenZones('broadcast-confirm-zones', []);
    $('broadcast-confirm-zones').hidden = false;
    $('broadcast-confirm-summary').hidden = true;
    showConfirm(fill(TEXT.confirmTemplate, { title: template.title }), template.kind);
  }

  /** An emergency from the form: its text, zones and times shown once more before it goes out. */
  function openFormConfirm(body, opener) {
    state.pending = { body: body, opener: opener };
    $('broadcast-confirm-blanks').textContent = '';
    $('broadcast-confirm-blanks').hidden = true;
    $('broadcast-confirm-zones').hidden = true;
    const summary = $('broadcast-confirm-summary');
    summary.textContent = '';
    [
      ['Zona', zoneNames(body.zones)],
      ['Mulai', body.startsAt ? broadcastTime(body.startsAt) : 'Sekarang'],
      ['Sampai', body.until ? broadcastTime(body.until) : 'Sampai diakhiri'],
      ['Pengeras suara', 'Diucapkan berulang']
    ].forEach(function (pair) {
      summary.appendChild(el('dt', { text: pair[0] }));
      summary.appendChild(el('dd', { text: pair[1] }));
    });
    summary.hidden = false;
    showConfirm(TEXT.confirmEmergency, body.kind, body.startsAt ? TEXT.sendLater : null);
  }

  function showConfirm(title, kind, sendLabel) {
    const emergency = kind === 'emergency';
    $('broadcast-confirm-title').textContent = title;
    const badge = $('broadcast-confirm-kind');
    badge.textContent = BROADCAST_KINDS[kind] || kind;
    badge.className = 'kind-badge' + (emergency ? ' emergency' : '');
    $('broadcast-confirm-send').className = 'button ' + (emergency ? 'danger' : 'primary');
    $('broadcast-confirm-send').disabled = false;
    $('broadcast-confirm-send').textContent = sendLabel || TEXT.sendNow;
    $('broadcast-confirm').setAttribute('data-kind', kind);
    updateConfirmPreview();
    $('broadcast-confirm').hidden = false;
    const first = $('broadcast-confirm-blanks').querySelector('input');
    try { (first || $('broadcast-confirm-cancel')).focus(); } catch (e) { /* fine */ }
  }

  function blankLabel(name) {
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  /** The text as it will be read: the blanks filled in as typed, `[loket]` where still empty. */
  function fillBlanks(text, values) {
    let result = String(text || '');
    Object.keys(values).forEach(function (name) {
      const value = values[name].trim();
      result = result.split('{' + name + '}').join(value || '[' + name + ']');
    });
    return result;
  }

  function blankValues() {
    const values = {};
    const inputs = $('broadcast-confirm-blanks').querySelectorAll('input[data-blank]');
    for (let i = 0; i < inputs.length; i++) values[inputs[i].getAttribute('data-blank')] = inputs[i].value;
    return values;
  }

  function updateConfirmPreview() {
    const pending = state.pending;
    if (!pending) return;
    let text;
    let english;
    if (pending.template) {
      const values = blankValues();
      text = fillBlanks(pending.template.text, values);
      english = pending.template.textEn ? fillBlanks(pending.template.textEn, values) : '';
    } else {
      text = pending.body.text;
      english = pending.body.textEn || '';
    }
    $('broadcast-confirm-text').textContent = text;
    $('broadcast-confirm-text-en').textContent = english;
    $('broadcast-confirm-text-en').hidden = !english;
  }

  function closeConfirm() {
    const pending = state.pending;
    if (pending && pending.template) state.blankValues[pending.template.id] = blankValues();
    state.pending = null;
    $('broadcast-confirm').hidden = true;
    $('broadcast-confirm-blanks').textContent = '';
    if (pending && pending.opener && document.body.contains(pending.opener)) {
      try { pending.opener.focus(); } catch (e) { /* fine */ }
    }
  }

  async function sendConfirm() {
    const pending = state.pending;
    if (!pending || state.sending) return;
    let body;
    if (pending.template) {
      const values = blankValues();
      const params = {};
      Object.keys(values).forEach(function (name) { params[name] = values[name].trim(); });
      body = { template: pending.template.id, params: params, zones: chosenZones('broadcast-confirm-zones') };
    } else {
      body = pending.body;
    }
    $('broadcast-confirm-send').disabled = true;
    const ok = await postBroadcast(body);
    // Refused: the dialog closes so the error line shows; the blanks typed are kept for the next try.
    if (state.pending === pending) closeConfirm();
    if (ok && pending.template) delete state.blankValues[pending.template.id];
    if (ok && !pending.template) resetBroadcastForm();
  }

  // --- Free notice form

  /** Emergencies are always said: the checkbox shows it, and gets back its own choice for a notice. */
  function updateBroadcastKind() {
    const emergency = $('broadcast-kind').value === 'emergency';
    const spoken = $('broadcast-spoken');
    if (emergency && !spoken.disabled) {
      state.spokenChoice = spoken.checked;
      spoken.checked = true;
    } else if (!emergency && spoken.disabled) {
      spoken.checked = state.spokenChoice;
    }
    spoken.disabled = emergency;
    $('broadcast-spoken-hint').hidden = !emergency;
    $('broadcast-submit').className = 'button ' + (emergency ? 'danger' : 'primary');
    $('broadcast-submit').textContent = emergency ? TEXT.submitEmergency : TEXT.submitNotice;
  }

  function updateTextCount() {
    $('broadcast-text-count').textContent = String($('broadcast-text').value.length);
  }

  function resetBroadcastForm() {
    $('broadcast-kind').value = 'notice';
    $('broadcast-text').value = '';
    $('broadcast-text-en').value = '';
    $('broadcast-starts').value = '';
    $('broadcast-until').value = '';
    $('broadcast-spoken').checked = false;
    $('broadcast-spoken').disabled = false;
    state.spokenChoice = false;
    setChosenZones('broadcast-zones', []);
    updateBroadcastKind();
    updateTextCount();
  }

  function submitBroadcastForm(event) {
    event.preventDefault();
    const kind = $('broadcast-kind').value;
    const text = $('broadcast-text').value.trim();
    const english = $('broadcast-text-en').value.trim();
    if (!text) {
      broadcastError(TEXT.textMissing);
      try { $('broadcast-text').focus(); } catch (e) { /* fine */ }
      return;
    }
    const body = { kind: kind, text: text, zones: chosenZones('broadcast-zones'), spoken: kind === 'emergency' || $('broadcast-spoken').checked };
    if (english) body.textEn = english;
    const startsAt = localToIso($('broadcast-starts').value);
    const until = localToIso($('broadcast-until').value);
    if (startsAt) body.startsAt = startsAt;
    if (until) body.until = until;
    if (kind === 'emergency') {
      openFormConfirm(body, $('broadcast-submit'));
      return;
    }
    $('broadcast-submit').disabled = true;
    postBroadcast(body).then(function (ok) {
      $('broadcast-submit').disabled = false;
      if (ok) resetBroadcastForm();
    });
  }

  /** POST /api/broadcasts; resolves to whether it was taken, with the outcome in the section's lines. */
  async function postBroadcast(body) {
    state.sending = true;
    try {
      const result = await api('POST', '/api/broadcasts', body);
      if (sessionEnded(result)) return false;
      if (!result.ok) {
        broadcastError(errorText(result));
        return false;
      }
      const made = result.data || {};
      broadcastOk(made.status === 'scheduled' ?
        fill(TEXT.broadcastScheduled, { time: broadcastTime(made.startedAt) }) :
        (made.kind === 'emergency' ? TEXT.emergencyStarted : TEXT.broadcastStarted));
      return true;
    } catch (e) {
      broadcastError(TEXT.network);
      return false;
    } finally {
      state.sending = false;
      loadBroadcasts();
    }
  }

  // --- List

  async function loadBroadcasts() {
    let result;
    try {
      result = await api('GET', '/api/broadcasts');
    } catch (e) {
      if (!state.broadcasts) renderListError('broadcast-list', TEXT.network);
      return;
    }
    if (!result.ok || !Array.isArray(result.data)) {
      if (!state.broadcasts) renderListError('broadcast-list', errorText(result));
      return;
    }
    state.broadcasts = result.data;
    renderBroadcasts();
  }

  function renderBroadcasts() {
    const list = state.broadcasts;
    if (!list) return;
    // Redrawn only when something changed: the list is refreshed every few seconds, and a row
    // replaced under a pointer (or a test's click) would lose that click.
    const key = JSON.stringify(list) + '|' + new Date().toISOString().slice(0, 13) + '|' + JSON.stringify(zonesOfSite()) + '|' + state.ending.join(',');
    if (key === state.broadcastKey) return;
    state.broadcastKey = key;
    const box = $('broadcast-list');
    box.textContent = '';
    if (!list.length) {
      box.appendChild(el('p', { className: 'muted', text: TEXT.noBroadcasts }));
      return;
    }
    const rows = list.map(function (b) {
      const scheduled = b.status === 'scheduled';
      const emergency = b.kind === 'emergency';
      const when = (scheduled ? 'Mulai ' : 'Sejak ') + broadcastTime(b.startedAt) +
        (b.until ? ' · sampai ' + broadcastTime(b.until) : '');
      const ending = state.ending.indexOf(String(b.id)) >= 0;
      return el('tr', {
        className: 'broadcast' + (emergency ? ' emergency' : '') + (scheduled ? ' scheduled' : ''),
        'data-broadcast': b.id, 'data-status': b.status || 'active', 'data-kind': b.kind
      }, [
        el('td', { className: 'status' }, [el('span', {
          className: scheduled ? 'state-off' : 'state-on', text: BROADCAST_STATUS[b.status] || BROADCAST_STATUS.active
        })]),
        el('td', null, [
          el('span', { className: 'kind-badge' + (emergency ? ' emergency' : ''), text: BROADCAST_KINDS[b.kind] || b.kind }),
          b.occasion ? el('div', { className: 'muted small', text: OCCASIONS[b.occasion] || b.occasion }) : null
        ]),
        el('td', { className: 'broadcast-text' }, [
          el('div', { text: b.text }),
          b.textEn ? el('div', { className: 'muted small', lang: 'en', text: b.textEn }) : null
        ]),
        el('td', { text: zoneNames(b.zones) }),
        el('td', { className: 'nowrap', text: when }),
        el('td', { text: b.spoken ? 'Diucapkan' : '—' }),
        el('td', { className: 'actions' }, [
          el('button', {
            type: 'button', className: 'button end-broadcast' + (emergency && !scheduled ? ' danger' : ''),
            disabled: ending, onclick: function () { endBroadcast(b); }
          }, [scheduled ? 'Batalkan' : 'Akhiri'])
        ])
      ]);
    });
    box.appendChild(table(['Status', 'Jenis', 'Teks', 'Zona', 'Waktu', 'Suara', ''], rows));
  }

  async function endBroadcast(broadcast) {
    const id = String(broadcast.id);
    if (state.ending.indexOf(id) >= 0) return;
    state.ending.push(id);
    renderBroadcasts();
    try {
      const result = await api('DELETE', '/api/broadcasts/' + encodeURIComponent(id));
      if (sessionEnded(result)) return;
      if (!result.ok) broadcastError(errorText(result));
      else broadcastOk(broadcast.status === 'scheduled' ? TEXT.broadcastCancelled : TEXT.broadcastEnded);
    } catch (e) {
      broadcastError(TEXT.network);
    } finally {
      state.ending = state.ending.filter(function (x) { return x !== id; });
      await loadBroadcasts();
      renderBroadcasts();
    }
  }

  /** Every 10 s while signed in: the list (broadcasts start and end by themselves), and what failed to load. */
  function refreshBroadcasts() {
    if (!state.me) return;
    if (!state.templates) loadTemplates();
    loadBroadcasts();
    loadScreens();
  }

  // ---------------------------------------------------------------------------------------------
  // Screens

  async function loadScreens() {
    let result;
    try {
      result = await api('GET', '/api/screens');
    } catch (e) {
      renderListError('screens', TEXT.network);
      return;
    }
    if (sessionEnded(result)) return;
    if (!result.ok || !result.data || !Array.isArray(result.data.screens)) {
      renderListError('screens', errorText(result));
      return;
    }
    renderScreens(result.data.screens, result.data.phones || 0);
  }

  /**
   * Connected screens first (the server's order), then those gone, most recently seen first, then the
   * site's display profiles no screen has opened since the server started.
   */
  function renderScreens(screens, phones) {
    const box = $('screens');
    box.textContent = '';
    if (!screens.length) {
      box.appendChild(el('p', { className: 'muted', text: TEXT.noScreens }));
    } else {
      const rows = screens.map(function (screen) {
        // Status in words as well as colour.
        return el('tr', { className: 'screen' + (screen.connected ? '' : ' revoked'), 'data-screen': screen.display || '' }, [
          el('td', null, [el('strong', { text: screen.display || TEXT.screenUnnamed })]),
          el('td', { text: (LAYOUTS[screen.layout] || screen.layout || '') + (screen.scope ? ' · ' + screen.scope : '') }),
          el('td', { title: screen.userAgent || '', text: screen.address || '—' }),
          el('td', { text: screen.connectedAt ? formatInstant(screen.connectedAt) : '—' }),
          el('td', { className: 'last-seen', text: screen.connected ? TEXT.screenNow :
            (screen.lastSeen ? formatInstant(screen.lastSeen) : TEXT.screenNever) }),
          el('td', { className: 'status' }, [screen.connected ?
            el('span', { className: 'state-on', text: TEXT.screenConnected }) :
            el('span', { className: 'state-off', text: TEXT.screenGone })])
        ]);
      });
      box.appendChild(table(['Nama', 'Tata letak', 'Alamat', 'Tersambung sejak', 'Terakhir terlihat', 'Status'], rows));
    }
    if (phones > 0) box.appendChild(el('p', { className: 'hint phones', text: fill(TEXT.phones, { count: phones }) }));
  }

  // ---------------------------------------------------------------------------------------------
  // Site (read-only)

  async function loadSite() {
    let reason = '';
    try {
      const result = await api('GET', '/api/site');
      if (result.ok && result.data) {
        state.site = result.data;
        if (state.site.name) {
          $('site-name').textContent = state.site.name;
          document.title = 'Panggil — Admin · ' + state.site.name;
        }
        // Keep the counters the admin is choosing right now.
        renderCounterOptions(selectedCounters());
        renderZoneChooser('broadcast-zones');
        if (state.pending && state.pending.template) renderZoneChooser('broadcast-confirm-zones');
        updateTimeHint();
        renderBroadcasts();
        if (state.users.length) renderUsers();
        if (state.devices.length) renderDevices();
      } else {
        reason = errorText(result);
      }
    } catch (e) {
      reason = TEXT.network;
    }
    try {
      const displays = await api('GET', '/api/displays');
      if (displays.ok && Array.isArray(displays.data)) state.displays = displays.data;
    } catch (e) { /* the site part still shows */ }
    if (!state.site) {
      $('site').textContent = '';
      $('site').appendChild(el('div', { className: 'message error', text: fill(TEXT.siteMissing, { reason: reason }) }));
      setTimeout(loadSite, RETRY_MS);
      return;
    }
    renderSite();
  }

  function listOf(value) {
    return Array.isArray(value) ? value : [];
  }

  function renderSite() {
    const site = state.site;
    const box = $('site');
    if (!site) return;
    box.textContent = '';
    const agencies = {};
    listOf(site.agencies).forEach(function (a) { agencies[a.id] = a.name; });
    const zones = {};
    listOf(site.zones).forEach(function (z) { zones[z.id] = z.name; });

    box.appendChild(el('dl', { className: 'facts' }, [
      el('dt', { text: 'Nama' }), el('dd', { text: site.name || '—' }),
      el('dt', { text: 'Zona waktu' }), el('dd', { text: (site.timezone || '—') + (zoneLabel() && zoneLabel() !== site.timezone ? ' (' + zoneLabel() + ')' : '') }),
      el('dt', { text: 'Zona' }), el('dd', { text: listOf(site.zones).map(function (z) { return z.name; }).join(', ') || '—' }),
      el('dt', { text: 'Halaman' }), el('dd', null, [
        el('a', { href: '/', text: 'Daftar layar' }), ' · ',
        el('a', { href: '/staff', text: 'Konsol petugas' }), ' · ',
        el('a', { href: '/api/board', text: 'Papan antrean (JSON)' })
      ])
    ]));

    const grid = el('div', { className: 'site-grid' });
    box.appendChild(grid);

    grid.appendChild(el('div', { className: 'site-part', id: 'site-agencies' }, [
      el('h3', { text: 'Instansi (' + listOf(site.agencies).length + ')' }),
      table(['ID', 'Nama', 'Layanan'], listOf(site.agencies).map(function (a) {
        const codes = listOf(site.services).filter(function (s) { return s.agency === a.id; }).map(function (s) { return s.code; });
        return el('tr', { className: 'agency-row', 'data-agency': a.id }, [
          el('td', null, [el('code', { text: a.id })]), el('td', { text: a.name }), el('td', { text: codes.join(', ') || '—' })
        ]);
      }))
    ]));

    grid.appendChild(el('div', { className: 'site-part', id: 'site-services' }, [
      el('h3', { text: 'Layanan (' + listOf(site.services).length + ')' }),
      table(['Kode', 'Nama', 'Instansi'], listOf(site.services).map(function (s) {
        return el('tr', { className: 'service-row', 'data-service': s.code }, [
          el('td', null, [el('strong', { text: s.code })]), el('td', { text: s.name }), el('td', { text: agencies[s.agency] || s.agency || '—' })
        ]);
      }))
    ]));

    grid.appendChild(el('div', { className: 'site-part', id: 'site-counters' }, [
      el('h3', { text: 'Loket (' + listOf(site.counters).length + ')' }),
      table(['No.', 'Nama', 'Zona', 'Layanan'], listOf(site.counters).map(function (c) {
        return el('tr', { className: 'counter-row', 'data-counter': c.number }, [
          el('td', { text: c.number }), el('td', { text: c.name }), el('td', { text: zones[c.zone] || c.zone || '—' }),
          el('td', { text: listOf(c.services).join(', ') || '—' })
        ]);
      }))
    ]));

    const displays = listOf(state.displays);
    grid.appendChild(el('div', { className: 'site-part', id: 'site-displays' }, [
      el('h3', { text: 'Tampilan (' + displays.length + ')' }),
      displays.length ? table(['Alamat', 'Judul', 'Jenis', 'Cakupan', 'Suara'], displays.map(function (d) {
        const scope = d.zoneName || d.zone ||
          (d.counter !== undefined && d.counter !== null ? counterName(d.counter) : '') ||
          listOf(d.services).join(', ') || listOf(d.counters).map(counterName).join(', ') || 'Semua';
        return el('tr', { className: 'display-row', 'data-display': d.name }, [
          el('td', null, [el('a', { href: '/d/' + encodeURIComponent(d.name), target: '_blank', rel: 'noopener', text: '/d/' + d.name })]),
          el('td', { text: d.title || '—' }),
          el('td', { text: LAYOUTS[d.layout] || d.layout }),
          el('td', { text: scope }),
          el('td', { text: d.speaker ? 'Ya' : 'Tidak' })
        ]);
      })) : el('p', { className: 'muted', text: 'Belum ada tampilan di berkas situs.' })
    ]));
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  function start() {
    $('user-form').addEventListener('submit', saveUser);
    $('user-cancel').addEventListener('click', function () { resetUserForm(); setMessage('user-message', ''); renderUsers(); });
    $('user-role').addEventListener('change', updateCountersChosen);
    $('user-counters').addEventListener('mousedown', onCounterMouseDown);
    $('user-counters').addEventListener('change', updateCountersChosen);
    $('device-form').addEventListener('submit', createDevice);
    $('device-token-close').addEventListener('click', hideToken);
    $('device-token-copy').addEventListener('click', function () { copyFrom('device-token-value'); });
    $('device-token-copy-url').addEventListener('click', function () { copyFrom('device-token-url'); });
    $('broadcast-form').addEventListener('submit', submitBroadcastForm);
    $('broadcast-kind').addEventListener('change', updateBroadcastKind);
    $('broadcast-text').addEventListener('input', updateTextCount);
    $('broadcast-confirm-send').addEventListener('click', sendConfirm);
    $('broadcast-confirm-cancel').addEventListener('click', closeConfirm);
    document.addEventListener('keydown', function (event) {
      if (state.pending && (event.key === 'Escape' || event.key === 'Esc')) closeConfirm();
    });
    renderZoneChooser('broadcast-zones');
    updateTimeHint();
    updateBroadcastKind();
    setInterval(refreshBroadcasts, BROADCAST_REFRESH_MS);
    lowercaseAsTyped($('user-name'));
    lowercaseAsTyped($('device-name'));
    resetUserForm();
    loadSite();
    signIn.start({ mainId: 'admin-main', onSignedIn: signedIn, onSignedOut: signedOut });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
