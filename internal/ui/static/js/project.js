// One project's page: its header (info, connection state, delete), the tabs (live, upload,
// models, explore) and the live subscription they share. The subscription — "*" and the
// topics $project, $models, $log, plus the pairs of the heat map — lives as long as the
// page, whatever tab shows; it reconnects on its own (subscription.js).

import { h, replace, errorBox } from './dom.js';
import { esc } from './api.js';
import { Subscription } from './subscription.js';
import { liveTab } from './live.js';
import { uploadTab } from './upload.js';
import { modelsTab } from './models.js';
import { exploreTab } from './explore.js';

const TABS = [['live', 'Live'], ['upload', 'Upload'], ['models', 'Models'], ['explore', 'Explore']];
const MAKERS = { live: liveTab, upload: uploadTab, models: modelsTab, explore: exploreTab };

export function projectView(root, app, pid, tab) {
  const listeners = {};
  const ctx = {
    app, pid,
    info: null, // smlInfo, refreshed by refreshInfo
    names: [], // attribute names in project order, as the subscription tells them
    deleted: false,
    sub: null,
    on(ev, fn) { (listeners[ev] = listeners[ev] || []).push(fn); },
    emit(ev, arg) { (listeners[ev] || []).forEach((fn) => fn(arg)); },
    async refreshInfo() {
      try {
        ctx.info = await app.api.info(pid);
        renderInfo();
        ctx.emit('info', ctx.info);
      } catch (e) {
        replace(infoLine, errorBox(e));
      }
      return ctx.info;
    },
  };

  const state = h('span#conn.badge', 'connecting');
  const infoLine = h('div#info.info');
  const banner = h('div#banner');
  const nav = h('nav.tabs', TABS.map(([k, label]) => h('a', { href: `#/p/${esc(pid)}/${k}`, 'data-tab': k }, label)));
  const body = h('div.tabbody');
  const panels = {};
  let infoTimer = null;
  const del = h('button#delete-project.danger.small', {
    type: 'button',
    onclick: async () => {
      if (!confirm(`Delete project "${pid}" and its models? This cannot be undone.`)) return;
      try {
        await app.api.deleteProject(pid);
        // The subscription's "closed" message says so too, and ends it.
        gone('deleted from this page');
      } catch (e) {
        replace(banner, errorBox(e));
      }
    },
  }, 'delete project');

  function gone(why) {
    ctx.deleted = true;
    root.querySelector('section.project').classList.add('gone');
    replace(banner, h('div.error#deleted', { role: 'alert' }, `Project "${pid}" was deleted (${why}). Its page shows what it last knew.`));
    del.disabled = true;
  }

  function renderInfo() {
    const i = ctx.info;
    if (!i) return;
    replace(infoLine,
      h('span', `type ${i.type}`),
      i.partitionColumn ? h('span', `partition column ${i.partitionColumn}`) : null,
      h('span', `created ${i.creationDate}`),
      i.frozen ? h('span.warn', 'frozen') : null);
  }

  function ensure(k) {
    if (!panels[k]) {
      const el = h('div.panel', { 'data-panel': k });
      body.appendChild(el);
      panels[k] = { el, tab: MAKERS[k](el, ctx) };
    }
  }

  function show(k) {
    if (!MAKERS[k]) k = 'live';
    nav.querySelectorAll('a').forEach((a) => a.classList.toggle('active', a.dataset.tab === k));
    const made = !!panels[k];
    ensure(k);
    Object.entries(panels).forEach(([name, p]) => { p.el.hidden = name !== k; });
    // The forms list smlInfo's attributes: a tab shown again reads it again.
    if (made && k !== 'live') ctx.refreshInfo();
  }

  replace(root, h('section.project',
    h('div.projhead', h('h2', h('a', { href: '#/projects' }, 'Projects'), ' / ', h('span#pid', pid)), state, del),
    infoLine, banner, nav, body));

  const sub = new Subscription(app.signer, pid, {
    onMessage(m) {
      if (m.type === 'names') {
        const known = new Set(ctx.names);
        const fresh = m.names.filter((n) => !known.has(n));
        ctx.names.push(...fresh);
        if (fresh.length > 0) {
          ctx.emit('names', { names: fresh, initial: m.initial });
          // The forms list the attributes of smlInfo: read it again once the burst is over.
          clearTimeout(infoTimer);
          infoTimer = setTimeout(() => ctx.refreshInfo(), 300);
        }
      } else if (m.type === 'model') {
        ctx.refreshInfo();
      } else if (m.type === 'closed') {
        gone(m.reason);
      } else if (m.type === 'error') {
        replace(banner, errorBox(`${m.statusCode}: ${m.statusString}`));
      }
      ctx.emit('message', m);
    },
    onState(st, detail) {
      state.textContent = st === 'ended' && ctx.deleted ? 'deleted' : st;
      state.className = 'badge ' + st;
      state.title = detail || '';
      ctx.emit('state', { state: st, detail });
    },
  });
  ctx.sub = sub;
  ensure('live'); // it hears every message from the first, whatever tab shows
  sub.subscribe(['*', '$project', '$models', '$log']);
  sub.start();
  ctx.refreshInfo();
  show(tab);

  return {
    kind: 'project', pid, ctx, show,
    dispose() {
      clearTimeout(infoTimer);
      sub.close();
      Object.values(panels).forEach((p) => p.tab && p.tab.dispose && p.tab.dispose());
    },
  };
}

