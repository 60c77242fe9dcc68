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

  const TEXT = {
    network: 'Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi.',
    serverError: 'Terjadi gangguan pada server (kode {status}).',
    loginMissing: 'Isi nama dan kata sandi.',
    sessionEnded: 'Sesi Anda sudah berakhir. Silakan masuk lagi.',
    notAdmin: 'Anda masuk sebagai {role}. Pengguna dan perangkat hanya dapat dikelola oleh admin.',
    noUsers: 'Belum ada pengguna.',
    noDevices: 'Belum ada perangkat. Buat satu untuk setiap kios tiket.',
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
    countersMissing: 'Data loket belum dimuat.'
  };

  const document = root.document;
  const state = {
    me: null,
    site: null,
    displays: null,
    users: [],
    devices: [],
    editing: null,       // name of the user being changed, or null when adding
    confirming: null     // 'user:siti' or 'device:3': the row asking for confirmation
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
  // HTTP

  /** Resolves to {status, ok, data} for every HTTP answer; rejects only when the server is unreachable. */
  function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    const options = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return root.fetch(path, options).then(function (response) {
      return response.text().then(function (text) {
        let data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: response.status, ok: response.ok, data: data };
      });
    });
  }

  function errorText(result) {
    const error = result && result.data && result.data.error;
    if (error && error.message) return error.message;
    return fill(TEXT.serverError, { status: result ? result.status : '?' });
  }

  /**
   * A 401 on an admin call means the session ended (expired, or the password was changed elsewhere):
   * back to the sign-in form with the API's words. Returns true when it did so.
   */
  function sessionEnded(result) {
    if (!result || result.status !== 401) return false;
    showLogin(errorText(result) || TEXT.sessionEnded);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  function showView(view) {
    document.body.setAttribute('data-view', view);
    $('loading').hidden = view !== 'loading';
    $('login').hidden = view !== 'login';
    $('admin-main').hidden = view !== 'main';
    $('nav').hidden = view !== 'main';
    $('user-box').hidden = view !== 'main';
  }

  function showLogin(message) {
    state.me = null;
    state.users = [];
    state.devices = [];
    state.confirming = null;
    hideToken();
    resetUserForm();
    showView('login');
    $('login-error').textContent = message || '';
    $('login-password').value = '';
    const focus = $('login-name').value ? $('login-password') : $('login-name');
    try { focus.focus(); } catch (e) { /* not focusable yet */ }
  }

  async function checkSession() {
    let result;
    try {
      result = await api('GET', '/api/me');
    } catch (e) {
      $('loading-text').textContent = TEXT.network;
      setTimeout(checkSession, RETRY_MS);
      return;
    }
    if (result.ok && result.data && result.data.user) {
      signedIn(result.data.user);
    } else if (result.status === 401 || (result.ok && result.data && !result.data.user)) {
      showLogin('');
    } else {
      $('loading-text').textContent = errorText(result);
      setTimeout(checkSession, RETRY_MS);
    }
  }

  function signedIn(user) {
    state.me = user;
    $('me').textContent = '';
    $('me').appendChild(el('span', { text: 'Masuk sebagai ' }));
    $('me').appendChild(el('strong', { text: user.name }));
    $('me').appendChild(el('span', { text: ' (' + (ROLES[user.role] || user.role) + ')' }));
    const warning = $('role-warning');
    warning.hidden = user.role === 'admin';
    warning.textContent = user.role === 'admin' ? '' : fill(TEXT.notAdmin, { role: ROLES[user.role] || user.role });
    showView('main');
    loadUsers();
    loadDevices();
    renderSite();
  }

  async function login(event) {
    event.preventDefault();
    const name = $('login-name').value.trim().toLowerCase();
    const password = $('login-password').value;
    $('login-name').value = name;
    if (!name || !password) {
      $('login-error').textContent = TEXT.loginMissing;
      return;
    }
    $('login-submit').disabled = true;
    $('login-error').textContent = '';
    try {
      const result = await api('POST', '/api/login', { name: name, password: password });
      if (result.ok && result.data) {
        $('login-password').value = '';
        signedIn(result.data.user || result.data);
      } else {
        // login_failed, too_many_attempts (with the wait in its message) …
        $('login-error').textContent = errorText(result);
        $('login-password').value = '';
        $('login-password').focus();
      }
    } catch (e) {
      $('login-error').textContent = TEXT.network;
    } finally {
      $('login-submit').disabled = false;
    }
  }

  async function logout() {
    try { await api('POST', '/api/logout'); } catch (e) { /* the cookie expires anyway */ }
    showLogin('');
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

  function lowercaseAsTyped(input) {
    // Names are lowercase on the server; typing "Siti" would only earn an error message.
    input.addEventListener('input', function () {
      const lower = input.value.toLowerCase();
      if (lower !== input.value) {
        const at = input.selectionStart;
        input.value = lower;
        try { input.setSelectionRange(at, at); } catch (e) { /* fine */ }
      }
    });
  }

  function start() {
    $('login-form').addEventListener('submit', login);
    $('btn-logout').addEventListener('click', logout);
    $('user-form').addEventListener('submit', saveUser);
    $('user-cancel').addEventListener('click', function () { resetUserForm(); setMessage('user-message', ''); renderUsers(); });
    $('user-role').addEventListener('change', updateCountersChosen);
    $('user-counters').addEventListener('mousedown', onCounterMouseDown);
    $('user-counters').addEventListener('change', updateCountersChosen);
    $('device-form').addEventListener('submit', createDevice);
    $('device-token-close').addEventListener('click', hideToken);
    $('device-token-copy').addEventListener('click', function () { copyFrom('device-token-value'); });
    $('device-token-copy-url').addEventListener('click', function () { copyFrom('device-token-url'); });
    lowercaseAsTyped($('user-name'));
    lowercaseAsTyped($('device-name'));
    lowercaseAsTyped($('login-name'));
    resetUserForm();
    showView('loading');
    loadSite();
    checkSession();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
