// The explore tab: the exploration metrics (docs/statistics.md 4) as tables and simple
// charts. uni: one MLContext per input, a table and a bar chart of the means; bi: every pair
// of the inputs; anova, chi2: the inputs against the targets; pca: eigenvalues with a scree
// plot, and the eigenvectors.

import { h, replace, errorBox, select, checkList, table } from './dom.js';
import { bars, screePlot } from './charts.js';

const METRICS = {
  uni: 'inputs: each attribute on its own',
  bi: 'inputs: every pair (covariance, correlation)',
  anova: 'one C input per row against one T or B target',
  chi2: 'B inputs against B targets',
  pca: 'inputs: principal components',
};

export function exploreTab(root, ctx) {
  const api = ctx.app.api;
  const form = h('div#explore-form.card');
  const out = h('div#explore-result');

  function render(info) {
    const names = info.attributeNames || [];
    const metric = select({ id: 'explore-metric' }, Object.keys(METRICS), form.dataset.metric || 'uni');
    const hint = h('span.hint', METRICS[metric.value]);
    metric.addEventListener('change', () => { hint.textContent = METRICS[metric.value]; form.dataset.metric = metric.value; });
    const inputs = checkList(names, (n) => (info.attributeTypes || [])[names.indexOf(n)] === 'C', 'checklist.explore-inputs');
    const targets = checkList(names, () => false, 'checklist.explore-targets');
    replace(form, h('h3', 'Explore'),
      h('div.row', h('label', 'metric ', metric), hint),
      h('div', h('label', 'inputs'), inputs.el),
      h('div', h('label', 'targets (anova, chi2)'), targets.el),
      h('button#explore-run', { type: 'button', onclick: () => run(metric.value, inputs.values(), targets.values()) }, 'Run'));
  }

  async function run(metric, ins, tgs) {
    replace(out, 'computing…');
    try {
      let contexts;
      let labels;
      if (metric === 'uni') {
        contexts = ins.map((n) => ({ inputAttributeNames: [n] }));
        labels = ins;
      } else if (metric === 'bi') {
        contexts = [];
        labels = [];
        for (let i = 0; i < ins.length; i++) {
          for (let j = i + 1; j < ins.length; j++) {
            contexts.push({ inputAttributeNames: [ins[i], ins[j]] });
            labels.push(`${ins[i]} × ${ins[j]}`);
          }
        }
      } else if (metric === 'anova') {
        contexts = ins.map((n) => ({ inputAttributeNames: [n], targetAttributeNames: tgs }));
        labels = ins.map((n) => `${n} by ${tgs.join(', ')}`);
      } else if (metric === 'chi2') {
        contexts = [{ inputAttributeNames: ins, targetAttributeNames: tgs }];
        labels = [`${ins.join(', ')} × ${tgs.join(', ')}`];
      } else {
        contexts = [{ inputAttributeNames: ins }];
        labels = ['pca'];
      }
      if (contexts.length === 0) throw new Error('pick the inputs (and targets) first');
      if (contexts.length > 64) throw new Error(`${contexts.length} contexts: at most 64 in one request (pick fewer inputs)`);
      const res = await api.explore(ctx.pid, metric, contexts);
      replace(out, metric === 'pca' ? pcaView(ins, res[0]) : statsView(metric, labels, res));
    } catch (e) {
      replace(out, errorBox(e));
    }
  }

  function statsView(metric, labels, res) {
    const keys = Object.keys(res[0] || {});
    const t = table([metric === 'uni' ? 'attribute' : '', ...keys],
      res.map((r, i) => [labels[i], ...keys.map((k) => r[k])]), 'numbers');
    t.id = 'explore-table';
    res.forEach((r, i) => {
      const tr = t.tBodies[0].rows[i];
      tr.dataset.label = labels[i];
      keys.forEach((k, j) => { tr.cells[j + 1].dataset.key = k; tr.cells[j + 1].dataset.value = String(r[k]); });
    });
    const parts = [h('div.card', t)];
    if (metric === 'uni') parts.push(h('div.card', h('h4', 'means'), bars(labels, res.map((r) => r.mean), 'means')));
    if (metric === 'bi') parts.push(h('div.card', h('h4', 'correlations'), bars(labels, res.map((r) => r.linCorr), 'correlations')));
    return parts;
  }

  function pcaView(ins, r) {
    const k = ins.length;
    const ev = [], ratio = [];
    for (let i = 0; i < k; i++) {
      ev.push(r[`eigenvalue.${i}`]);
      ratio.push(r[`explainedVarianceRatio.${i}`]);
    }
    const vec = [];
    for (let i = 0; i < k; i++) vec.push([`component ${i}`, ...ins.map((_, j) => r[`eigenvector.${i}.${j}`])]);
    const t = table(['component', 'eigenvalue', 'explained ratio'], ev.map((v, i) => [String(i), v, ratio[i]]), 'numbers');
    t.id = 'explore-table';
    return [h('div.cols', h('div.card', h('h4', 'eigenvalues'), t), h('div.card#scree', h('h4', 'scree plot'), screePlot(ev, ratio))),
      h('div.card', h('h4', 'eigenvectors'), table(['', ...ins], vec, 'numbers'))];
  }

  ctx.on('info', render);
  replace(root, form, out);
  if (ctx.info) render(ctx.info);
  return { dispose() {} };
}

