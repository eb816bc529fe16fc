// The models tab: the project's models, a build form (algorithm, inputs, target, the
// algorithm's parameters with their defaults, docs/statistics.md 3), a model's information,
// and a predict form — one typed row, or a CSV file scored into a downloaded CSV.

import { h, replace, errorBox, fmt, select, checkList, table, progressBar } from './dom.js';
import { parseCSV, csvField, CSVError } from './csv.js';

// Each algorithm's parameters and defaults (docs/statistics.md 3). Every algorithm also
// takes sml_rcond_tolerance and laplace_factor.
const ALGOS = {
  lda: { target: 'one B attribute', params: {} },
  mlda: { target: 'a T attribute or the partition column', params: {} },
  mqda: { target: 'the partition column', params: {} },
  bayes: { target: 'a B attribute, a T attribute or the partition column', params: { laplace_factor: '1' } },
  mlr: { target: 'one C or B attribute', params: {} },
  ridge: { target: 'one C or B attribute', params: { alpha: '1' } },
  lasso: { target: 'one C or B attribute', params: { lambda: '1', eta: '1' } },
  elasticnet: { target: 'one C or B attribute', params: { lambda: '1', eta: '0.5' } },
};
const COMMON = { sml_rcond_tolerance: '1e-14' };
const PREDICT_ROWS = 2000; // rows per predict request when scoring a file

export function modelsTab(root, ctx) {
  const api = ctx.app.api;
  const list = h('ul#model-list.projects');
  const listMsg = h('div.msg');
  const buildBox = h('div#build.card');
  const infoBox = h('div#model-info');
  let current = null; // the model shown

  function renderList(info) {
    const ids = info.modelsList || [];
    replace(list, ids.length === 0 ? h('li.empty', 'No models yet.') : ids.map((id, i) => h('li',
      h('a', { href: '#', 'data-model': id, onclick: (ev) => { ev.preventDefault(); showModel(id); } }, id),
      ` ${info.modelTypeList[i]} `,
      h('button.danger.small', { type: 'button', onclick: () => removeModel(id) }, 'delete'))));
    if (current && !ids.includes(current)) {
      replace(infoBox);
      current = null;
    }
  }

  async function removeModel(id) {
    if (!confirm(`Delete model "${id}"?`)) return;
    try {
      await api.deleteModel(ctx.pid, id);
      ctx.refreshInfo();
    } catch (e) {
      replace(listMsg, errorBox(e));
    }
  }

  // Targets a build can name: every attribute, each T attribute's base name (it stands for
  // its name$value columns) and the partition column.
  function targetChoices(info) {
    const names = info.attributeNames || [];
    const bases = new Set();
    for (const n of names) {
      const i = n.indexOf('$');
      if (i > 0 && !names.includes(n.slice(0, i))) bases.add(n.slice(0, i));
    }
    const out = [...bases, ...names];
    if (info.partitionColumn && !out.includes(info.partitionColumn)) out.unshift(info.partitionColumn);
    return out;
  }

  function renderBuild(info) {
    const names = info.attributeNames || [];
    const types = info.attributeTypes || [];
    const algo = select({ id: 'build-algo' }, Object.keys(ALGOS), buildBox.dataset.algo || 'lda');
    const id = h('input#build-id', { required: true, placeholder: 'model id', value: buildBox.dataset.modelId || '' });
    const inputs = checkList(names, (n, i) => types[names.indexOf(n)] === 'C', 'checklist.inputs');
    const target = select({ id: 'build-target' }, targetChoices(info), buildBox.dataset.target);
    const params = h('div.params');
    const hint = h('span.hint');
    const msg = h('div#build-msg.msg');
    const paramInputs = {};
    const drawParams = () => {
      buildBox.dataset.algo = algo.value;
      hint.textContent = `target: ${ALGOS[algo.value].target}`;
      const ps = { ...ALGOS[algo.value].params, ...COMMON };
      replace(params, Object.entries(ps).map(([k, v]) => h('label', k, paramInputs[k] = h('input', { name: k, value: v, 'data-param': k }))));
      Object.keys(paramInputs).forEach((k) => { if (!(k in ps)) delete paramInputs[k]; });
    };
    algo.addEventListener('change', drawParams);
    drawParams();
    const form = h('form', {
      onsubmit: async (ev) => {
        ev.preventDefault();
        buildBox.dataset.modelId = id.value;
        buildBox.dataset.target = target.value;
        const mc = {
          targetAttributeNames: [target.value],
          inputAttributeNames: inputs.values().filter((n) => n !== target.value && !n.startsWith(target.value + '$')),
          extraParameters: Object.fromEntries(Object.entries(paramInputs).map(([k, el]) => [k, el.value.trim()])),
        };
        replace(msg, 'building…');
        try {
          const job = await api.build(ctx.pid, algo.value, id.value.trim(), mc);
          await api.awaitJob(job);
          replace(msg, h('div.ok', `Model "${id.value.trim()}" built.`));
          await ctx.refreshInfo();
          showModel(id.value.trim());
        } catch (e) {
          replace(msg, errorBox(e));
        }
      },
    },
    h('div.row', h('label', 'algorithm ', algo), h('label', 'model id ', id), h('label', 'target ', target), hint),
    h('div', h('label', 'inputs'), inputs.el),
    h('div', h('label', 'parameters (defaults shown)'), params),
    h('button#build-start', { type: 'submit' }, 'Build'), msg);
    replace(buildBox, h('h3', 'Build a model'), form);
  }

  async function showModel(id) {
    current = id;
    replace(infoBox, 'loading…');
    try {
      const mi = await api.modelInfo(ctx.pid, id);
      replace(infoBox, h('div.card', h('h3', `Model ${mi.modelId} (${mi.modelType})`), infoTable(mi)), predictCard(mi));
    } catch (e) {
      replace(infoBox, errorBox(e));
    }
  }

  function infoTable(mi) {
    const parts = [table(['', ''], [
      ['inputs', mi.attributeNames.join(', ')],
      ['targets', (mi.targetNames || []).join(', ')],
      ['classes', (mi.classes || []).join(', ') || '—'],
      ['prediction keys', (mi.predictInfo || []).join(', ')],
      ['rows fitted', mi.rows],
      ['build time (ms)', mi.buildTime],
      ['created', mi.creationDate],
    ], 'kv')];
    if (mi.info) {
      parts.push(h('h4', 'parameters'), table(['name', 'values'],
        Object.entries(mi.info).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(fmt).join(', ')]), 'kv'));
    }
    if (mi.coefficients) {
      const cols = Object.keys(mi.coefficients[0] || {});
      parts.push(h('h4', 'coefficients'), table(cols, mi.coefficients.map((c) => cols.map((k) => c[k]))));
    }
    if (mi.fitStatistics) {
      parts.push(h('h4', 'fit'), table(Object.keys(mi.fitStatistics), [Object.values(mi.fitStatistics)]));
    }
    return parts;
  }

  function predictCard(mi) {
    const fields = mi.attributeNames.map((n) => h('input', { 'data-input': n, placeholder: 'mean if empty' }));
    const impute = h('input#predict-impute', { type: 'checkbox' });
    const out = h('div#predict-result');
    const fileIn = h('input#predict-file', { type: 'file', accept: '.csv,text/csv' });
    const bar = progressBar('');
    bar.el.hidden = true;
    const fileMsg = h('div.msg');
    const one = h('form#predict-form', {
      onsubmit: async (ev) => {
        ev.preventDefault();
        const names = [], row = [];
        fields.forEach((f) => { if (f.value.trim() !== '') { names.push(f.dataset.input); row.push(f.value.trim()); } });
        const frame = { attributeNames: names, attributeTypes: names.map(() => 'C'), data: [row] };
        replace(out, 'scoring…');
        try {
          const [p] = await api.predict(ctx.pid, mi.modelId, frame, impute.checked);
          replace(out, table(Object.keys(p), [Object.values(p).map((v) => v === null ? '—' : v)], 'prediction'));
        } catch (e) {
          replace(out, errorBox(e));
        }
      },
    }, h('div.row', mi.attributeNames.map((n, i) => h('label', n, fields[i]))),
    h('label', impute, ' impute missing inputs by regression (impute=true)'),
    h('button#predict-button', { type: 'submit' }, 'Predict'), out);
    fileIn.addEventListener('change', async () => {
      if (fileIn.files.length === 0) return;
      bar.el.hidden = false;
      replace(fileMsg);
      try {
        await scoreFile(mi, fileIn.files[0], impute.checked, bar);
      } catch (e) {
        replace(fileMsg, errorBox(e));
      }
    });
    return h('div.card', h('h3', 'Predict'), one,
      h('h4', 'Score a CSV file'), h('p.hint', 'Each row is scored; the file downloaded holds its columns and one column per prediction key. Types: C, except the columns whose name is not an input of the model (sent as X).'),
      fileIn, bar.el, fileMsg);
  }

  async function scoreFile(mi, f, impute, bar) {
    const recs = parseCSV(await f.text());
    const header = recs.shift();
    if (!header) throw new CSVError(1, '', 'no header line');
    const inputs = new Set(mi.attributeNames);
    const types = header.cells.map((n) => (inputs.has(n) ? 'C' : 'X'));
    const keys = mi.predictInfo || [];
    const lines = [[...header.cells, ...keys].map(csvField).join(',')];
    for (let i = 0; i < recs.length; i += PREDICT_ROWS) {
      const part = recs.slice(i, i + PREDICT_ROWS);
      const frame = { attributeNames: header.cells, attributeTypes: types, data: part.map((r) => r.cells), errorHandling: 1 };
      let preds;
      try {
        preds = await api.predict(ctx.pid, mi.modelId, frame, impute);
      } catch (e) {
        throw new Error(`${e.message} (in the rows from line ${part[0].line})`);
      }
      part.forEach((r, j) => lines.push([...r.cells, ...keys.map((k) => preds[j][k] ?? '')].map(csvField).join(',')));
      bar.set(Math.min(1, (i + part.length) / Math.max(1, recs.length)), `${i + part.length} of ${recs.length} rows`);
    }
    const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
    const a = h('a', { href: url, download: f.name.replace(/\.csv$/i, '') + '.scored.csv' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  ctx.on('info', (info) => {
    renderList(info);
    if (!buildBox.contains(document.activeElement)) renderBuild(info);
  });
  replace(root, h('div.cols', h('div.card', h('h3', 'Models'), listMsg, list), buildBox), infoBox);
  if (ctx.info) {
    renderList(ctx.info);
    renderBuild(ctx.info);
  } else {
    ctx.refreshInfo();
  }
  return { dispose() {} };
}
