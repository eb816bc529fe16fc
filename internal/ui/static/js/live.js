// The live tab: rows and learn rate ($project), the attribute table ("*": count, mean,
// stddev, min, max, changed cells highlighted, new attributes added as they come), a
// correlation heat map of chosen attributes (pair subscriptions), the models ($models) and
// the change log ($log). Every number is the server's, as the subscription sends it; a
// cell's exact value is kept in its data-value attribute.

import { h, replace, fmt, checkList } from './dom.js';
import { heatMap } from './charts.js';

const KEYS = ['count', 'mean', 'stddev', 'min', 'max'];
const RATE_WINDOW_MS = 5000;
const LOG_KEEP = 200;
const MAX_HEAT = 12;

export function liveTab(root, ctx) {
  const rows = h('span#live-rows.big', '—');
  const rate = h('span#live-rate.big', '—');
  const attrs = h('span#live-attrs', '—');
  const models = h('span#live-models', '—');
  const version = h('span#live-version', '—');
  const modified = h('span#live-modified', '—');
  const tbody = h('tbody');
  const attrTable = h('table#attrs.numbers',
    h('thead', h('tr', h('th', 'attribute'), KEYS.map((k) => h('th', k)))), tbody);
  const rowOf = new Map(); // name → {tr, cells: {key: td}}
  const modelFeed = h('ul#model-feed.feed');
  const modelNow = h('div#model-now.hint');
  const logFeed = h('ul#log-feed.feed');
  const logDropped = h('div.hint');
  const heatBox = h('div#heatmap');
  const heatPick = h('div.heatpick');
  const samples = []; // [{t, rows}] for the learn rate
  const corr = new Map(); // pair key → linCorr
  let heat = null;
  let heatNames = [];

  function addRow(name, fresh) {
    if (rowOf.has(name)) return;
    const cells = {};
    const tr = h('tr', { 'data-name': name }, h('th', name), KEYS.map((k) => (cells[k] = h('td', { 'data-key': k }, '…'))));
    if (fresh) {
      tr.classList.add('new');
      setTimeout(() => tr.classList.remove('new'), 3000);
    }
    tbody.appendChild(tr);
    rowOf.set(name, { tr, cells });
  }

  function flash(el) {
    el.classList.remove('changed');
    void el.offsetWidth; // restart the animation
    el.classList.add('changed');
  }

  function setCell(td, v) {
    const text = fmt(v);
    const raw = v === null || v === undefined ? '' : String(v);
    if (td.dataset.value === raw && td.textContent === text) return;
    const had = td.dataset.value !== undefined;
    td.dataset.value = raw;
    td.textContent = text;
    if (had) flash(td);
  }

  function project(v, m) {
    if (rows.dataset.value !== String(v.rows)) {
      rows.dataset.value = String(v.rows);
      rows.textContent = fmt(v.rows);
      flash(rows);
    }
    attrs.textContent = fmt(v.attributes);
    models.textContent = fmt(v.models);
    version.textContent = String(m.version);
    modified.textContent = v.lastModificationDate || '—';
    samples.push({ t: performance.now(), rows: v.rows });
    updateRate();
  }

  function updateRate() {
    const now = performance.now();
    while (samples.length > 1 && now - samples[0].t > RATE_WINDOW_MS) samples.shift();
    let r = 0;
    if (samples.length > 1) {
      const a = samples[0], b = samples[samples.length - 1];
      if (now - b.t < RATE_WINDOW_MS && b.t > a.t) r = (b.rows - a.rows) / ((b.t - a.t) / 1000);
    }
    rate.textContent = `${fmt(Math.round(r))} rows/s`;
    rate.dataset.value = String(r);
  }
  const rateTimer = setInterval(updateRate, 1000);

  function pairKey(a, b) { return a < b ? JSON.stringify([a, b]) : JSON.stringify([b, a]); }

  function drawHeat(names) {
    const old = [];
    for (let i = 0; i < heatNames.length; i++) for (let j = i + 1; j < heatNames.length; j++) old.push([heatNames[i], heatNames[j]]);
    if (old.length) ctx.sub.unsubscribe([], old);
    heatNames = names;
    corr.clear();
    const pairs = [];
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i], names[j]]);
    heat = names.length > 1 ? heatMap(names, (a, b) => corr.get(pairKey(a, b))) : null;
    replace(heatBox, heat ? heat.el : h('p.hint', 'Pick two or more attributes.'));
    if (pairs.length) ctx.sub.subscribe([], pairs);
  }

  function renderPick() {
    const list = checkList(ctx.names, (n) => heatNames.includes(n), 'checklist.heatnames');
    const msg = h('span.hint');
    replace(heatPick, list.el, h('button#heat-show.small', {
      type: 'button',
      onclick: () => {
        const names = list.values();
        if (names.length > MAX_HEAT) {
          msg.textContent = `at most ${MAX_HEAT} attributes (${MAX_HEAT * (MAX_HEAT - 1) / 2} pairs)`;
          return;
        }
        msg.textContent = '';
        drawHeat(names);
      },
    }, 'show correlations'), msg);
  }

  ctx.on('names', ({ names, initial }) => {
    names.forEach((n) => addRow(n, !initial));
    renderPick();
  });

  ctx.on('message', (m) => {
    if (m.type === 'data' && m.name === '$project') {
      project(m.values, m);
    } else if (m.type === 'data' && m.name !== undefined) {
      addRow(m.name, false);
      const r = rowOf.get(m.name);
      KEYS.forEach((k) => setCell(r.cells[k], m.values[k]));
    } else if (m.type === 'data' && m.pair) {
      corr.set(pairKey(m.pair[0], m.pair[1]), m.values.linCorr);
      if (heat) heat.update(m.pair[0], m.pair[1]);
    } else if (m.type === 'model') {
      modelFeed.prepend(h('li', { 'data-model': m.modelId, 'data-event': m.event },
        h('b', m.modelId), ` ${m.modelType} ${m.event} `, h('span.hint', `v${m.version} ${m.time}`)));
    } else if (m.type === 'log') {
      for (const e of m.entries) {
        logFeed.prepend(h('li', { 'data-op': e.op }, h('b', e.op), ` ${fmt(e.rows)} rows `, h('span.hint', `v${e.version} ${e.time}`)));
      }
      while (logFeed.children.length > LOG_KEEP) logFeed.lastChild.remove();
      if (m.dropped > 0) logDropped.textContent = `${m.dropped} older changes left out by the server`;
    }
  });

  ctx.on('info', (info) => {
    const ids = info.modelsList || [];
    modelNow.textContent = ids.length === 0 ? 'No models.' : 'Now: ' + ids.map((id, i) => `${id} (${info.modelTypeList[i]})`).join(', ');
  });

  // Names the subscription told before this tab was made.
  ctx.names.forEach((n) => addRow(n, false));

  replace(root,
    h('div.summary',
      h('div.stat', h('label', 'rows'), rows),
      h('div.stat', h('label', 'learn rate'), rate),
      h('div.stat', h('label', 'attributes'), attrs),
      h('div.stat', h('label', 'models'), models),
      h('div.stat', h('label', 'version'), version),
      h('div.stat', h('label', 'last change'), modified)),
    h('div.card', h('h3', 'Attributes'), attrTable),
    h('div.cols',
      h('div.card', h('h3', 'Correlations'), heatPick, heatBox),
      h('div.card', h('h3', 'Models'), modelNow, modelFeed, h('h3', 'Changes'), logDropped, logFeed)));
  renderPick();
  return { dispose() { clearInterval(rateTimer); } };
}
