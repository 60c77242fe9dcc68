/*
 * Panggil sign-in for the signed-in pages (/admin, /admin/reports): one global `PanggilSignIn`.
 *
 * Plain script, ES2017 at most, no build step (the same rule as every page under display-layouts, which
 * a repository test checks). It must load before the page's own script, which calls
 * `PanggilSignIn.start({mainId, onSignedIn, onSignedOut})` once that page is ready.
 *
 * Both pages share the same sign-in markup (#loading, #login, #login-form, #nav, #user-box, #me,
 * #btn-logout …) and the same flow, so it lives here once: a fix to the sign-in then reaches both. The
 * staff console signs in differently (it also picks a counter) and keeps its own code.
 */
(function (root) {
  'use strict';

  const ROLES = { admin: 'Admin', supervisor: 'Supervisor', staff: 'Petugas loket' };
  const RETRY_MS = 5000;

  const TEXT = {
    network: 'Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi.',
    serverError: 'Terjadi gangguan pada server (kode {status}).',
    loginMissing: 'Isi nama dan kata sandi.',
    sessionEnded: 'Sesi Anda sudah berakhir. Silakan masuk lagi.'
  };

  const document = root.document;
  function nothing() { /* a page without this hook */ }

  // Until start(): a 401 that arrives that early still reaches the sign-in form (see showView).
  let config = { mainId: null, onSignedIn: nothing, onSignedOut: nothing };

  function $(id) {
    return document.getElementById(id);
  }

  function fill(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : '';
    });
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

  /** The API's own Indonesian message when it sent one; a proxy or a crash may answer without. */
  function errorText(result) {
    const error = result && result.data && result.data.error;
    if (error && error.message) return error.message;
    return fill(TEXT.serverError, { status: result ? result.status : '?' });
  }

  /**
   * A 401 on a signed-in call means the session ended (expired, or the password was changed elsewhere):
   * back to the sign-in form with the API's words. Returns true when it did so.
   */
  function sessionEnded(result) {
    if (!result || result.status !== 401) return false;
    showLogin(errorText(result) || TEXT.sessionEnded);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  /** `data-view` on <body> is what the pages' CSS and the browser tests key on. */
  function showView(view) {
    document.body.setAttribute('data-view', view);
    $('loading').hidden = view !== 'loading';
    $('login').hidden = view !== 'login';
    const main = config.mainId ? $(config.mainId) : null;
    if (main) main.hidden = view !== 'main';
    $('nav').hidden = view !== 'main';
    $('user-box').hidden = view !== 'main';
  }

  function showLogin(message) {
    // The page first forgets what the last user saw, so the next one never glimpses it.
    config.onSignedOut();
    showView('login');
    $('login-error').textContent = message || '';
    $('login-password').value = '';
    const focus = $('login-name').value ? $('login-password') : $('login-name');
    try { focus.focus(); } catch (e) { /* not focusable yet */ }
  }

  function textElement(tag, text) {
    const node = document.createElement(tag);
    node.textContent = text;  // names come from users: text, never HTML
    return node;
  }

  function signedIn(user) {
    const me = $('me');
    me.textContent = '';
    me.appendChild(textElement('span', 'Masuk sebagai '));
    me.appendChild(textElement('strong', user.name));
    me.appendChild(textElement('span', ' (' + (ROLES[user.role] || user.role || '') + ')'));
    showView('main');
    config.onSignedIn(user);
  }

  // ---------------------------------------------------------------------------------------------
  // Session

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
      // A server still starting or behind a failing proxy: keep the loading view and ask again.
      $('loading-text').textContent = errorText(result);
      setTimeout(checkSession, RETRY_MS);
    }
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
    // A second click while the first is on its way would count as another failed attempt.
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

  /**
   * Wires the sign-in form and asks the server who is signed in. Call once, when the page is ready:
   * `mainId` is the page's main element, shown only while signed in; `onSignedIn(user)` runs after
   * "Masuk sebagai …" is shown and the main view is up; `onSignedOut()` runs before the sign-in form
   * shows (on logout, a 401, or when nobody is signed in yet).
   */
  function start(options) {
    const given = options || {};
    config = {
      mainId: given.mainId || null,
      onSignedIn: given.onSignedIn || nothing,
      onSignedOut: given.onSignedOut || nothing
    };
    $('login-form').addEventListener('submit', login);
    $('btn-logout').addEventListener('click', logout);
    lowercaseAsTyped($('login-name'));
    showView('loading');
    checkSession();
  }

  root.PanggilSignIn = {
    api: api,
    errorText: errorText,
    sessionEnded: sessionEnded,
    showLogin: showLogin,
    lowercaseAsTyped: lowercaseAsTyped,
    start: start
  };
})(window);
