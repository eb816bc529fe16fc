// The dashboard's shell: sign-in, the hash router (#/projects, #/p/{pid}/{tab}) and the
// status line. Views are functions (root, app) → dispose; the project view keeps its live
// subscription while its tabs change.

import { Signer, JAVASCRIPT } from './sign.js';
import { Api } from './api.js';
import { h, replace, errorBox } from './dom.js';
import { projectsView } from './projects.js';
import { projectView } from './project.js';

const KEY = 'symscore.key'; // sessionStorage: this tab only, gone when it closes

const app = {
  signer: null,
  api: null,
  main: document.getElementById('main'),
  who: document.getElementById('who'),
  signing: document.getElementById('signing'),
  view: null, // {kind, pid, dispose, show(tab)}
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

// For the browser tests and for the curious: how the page signs, never the key.
window.symscore = {
  get signingMode() { return app.signer ? app.signer.mode : ''; },
  get secureContext() { return window.isSecureContext; },
};

function setSigner(signer) {
  app.signer = signer;
  app.api = signer ? new Api(signer) : null;
  replace(app.who, signer ? [`customer ${signer.cid} `, h('button.link', { type: 'button', onclick: signOut, id: 'signout' }, 'sign out')] : []);
  app.signing.textContent = signer
    ? `signing with ${signer.mode}${signer.mode === JAVASCRIPT ? ' (this page is not a secure context: no Web Crypto)' : ''}`
    : '';
}

function signOut() {
  sessionStorage.removeItem(KEY);
  setSigner(null);
  app.navigate('#/signin');
}

function disposeView() {
  if (app.view && app.view.dispose) app.view.dispose();
  app.view = null;
}

function signInView(root) {
  const cid = h('input#cid', { name: 'cid', autocomplete: 'username', required: true, placeholder: 'dev' });
  const secret = h('input#secret', { name: 'secret', type: 'password', autocomplete: 'current-password', required: true, placeholder: 'Base64, from symscore keygen' });
  const msg = h('div.msg');
  const form = h('form#signin.card', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      replace(msg, 'signing in…');
      try {
        const signer = await Signer.create(cid.value.trim(), secret.value.trim());
        // A signed request proves the key: a wrong secret is refused (401) here.
        await new Api(signer).listProjects();
        sessionStorage.setItem(KEY, JSON.stringify({ cid: signer.cid, secret: signer.secret }));
        setSigner(signer);
        app.navigate('#/projects');
      } catch (e) {
        replace(msg, errorBox(e));
      }
    },
  },
  h('h2', 'Sign in'),
  h('p.hint', 'Your customer id and secret. The secret stays in this tab (sessionStorage) and signs each request here; it is never sent.'),
  h('label', 'customer id (cid)', cid),
  h('label', 'secret', secret),
  h('button#signin-button', { type: 'submit' }, 'Sign in'),
  msg);
  replace(root, form);
  cid.focus();
  return () => {};
}

async function route() {
  const hash = location.hash || '#/projects';
  const parts = hash.slice(2).split('/').map(decodeURIComponent);
  if (!app.signer) {
    disposeView();
    app.view = { kind: 'signin', dispose: signInView(app.main) };
    return;
  }
  if (parts[0] === 'p' && parts[1]) {
    const tab = parts[2] || 'live';
    if (app.view && app.view.kind === 'project' && app.view.pid === parts[1]) {
      app.view.show(tab);
      return;
    }
    disposeView();
    app.view = projectView(app.main, app, parts[1], tab);
    return;
  }
  disposeView();
  app.view = { kind: 'projects', dispose: projectsView(app.main, app) };
}

async function start() {
  const saved = sessionStorage.getItem(KEY);
  if (saved) {
    try {
      const { cid, secret } = JSON.parse(saved);
      setSigner(await Signer.create(cid, secret));
    } catch (e) {
      sessionStorage.removeItem(KEY);
      replace(app.main, errorBox(e));
    }
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
