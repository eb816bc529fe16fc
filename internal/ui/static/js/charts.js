// Charts in plain SVG: a line chart (the pca scree plot), bars, and a heat map of
// correlations. Text goes in through textContent; sizes are fixed viewBoxes scaled by CSS.

import { fmt } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/**
 * A scree plot: values (eigenvalues, descending) as bars with the cumulative explained
 * ratio as a line (ratios: the explained variance ratio of each).
 */
export function screePlot(values, ratios, title = 'scree plot') {
  const W = 480, H = 240, L = 50, R = 40, T = 20, B = 30;
  const n = values.length;
  const max = Math.max(...values.filter(Number.isFinite), 0) || 1;
  const x = (i) => L + (i + 0.5) * (W - L - R) / n;
  const bw = Math.max(2, (W - L - R) / n * 0.6);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart scree', role: 'img', 'aria-label': title });
  svg.appendChild(s('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
  svg.appendChild(s('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  svg.appendChild(s('text', { x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end' }, fmt(max)));
  svg.appendChild(s('text', { x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end' }, '0'));
  let cum = 0;
  const pts = [];
  values.forEach((v, i) => {
    const vv = Number.isFinite(v) ? v : 0;
    svg.appendChild(s('rect', { x: x(i) - bw / 2, y: y(vv), width: bw, height: H - B - y(vv), class: 'bar' },
      s('title', {}, `component ${i}: eigenvalue ${fmt(v)}, ratio ${fmt(ratios[i])}`)));
    svg.appendChild(s('text', { x: x(i), y: H - B + 14, class: 'tick', 'text-anchor': 'middle' }, String(i)));
    cum += Number.isFinite(ratios[i]) ? ratios[i] : 0;
    pts.push(`${x(i)},${T + (H - T - B) * (1 - Math.min(1, cum))}`);
  });
  svg.appendChild(s('polyline', { points: pts.join(' '), class: 'cumline' }));
  svg.appendChild(s('text', { x: W - R + 4, y: T + 4, class: 'tick' }, '100%'));
  svg.appendChild(s('text', { x: W / 2, y: H - 2, class: 'tick', 'text-anchor': 'middle' }, 'component (bars: eigenvalue; line: cumulative explained variance)'));
  return svg;
}

/** Horizontal bars of labelled values (e.g. means), zero at the left or centred for negatives. */
export function bars(labels, values, title = 'values') {
  const W = 480, rowH = 18, L = 140, R = 60;
  const H = rowH * labels.length + 10;
  const fin = values.filter(Number.isFinite);
  const lo = Math.min(0, ...fin), hi = Math.max(0, ...fin);
  const span = hi - lo || 1;
  const x = (v) => L + (W - L - R) * (v - lo) / span;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart bars', role: 'img', 'aria-label': title });
  labels.forEach((lab, i) => {
    const v = values[i];
    const y0 = 5 + i * rowH;
    svg.appendChild(s('text', { x: L - 6, y: y0 + 12, class: 'tick', 'text-anchor': 'end' }, lab.length > 22 ? lab.slice(0, 21) + '…' : lab));
    if (Number.isFinite(v)) {
      const a = x(Math.min(0, v)), b = x(Math.max(0, v));
      svg.appendChild(s('rect', { x: a, y: y0 + 2, width: Math.max(1, b - a), height: rowH - 5, class: 'bar' }, s('title', {}, `${lab}: ${fmt(v)}`)));
    }
    svg.appendChild(s('text', { x: W - R + 4, y: y0 + 12, class: 'tick' }, fmt(v)));
  });
  return svg;
}

/** The fill of a correlation in [-1, 1]: blue for negative, red for positive, grey for none. */
export function corrColor(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return '#ddd';
  const a = Math.min(1, Math.abs(r));
  const [cr, cg, cb] = r >= 0 ? [200, 40, 40] : [40, 80, 200];
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(cr)},${mix(cg)},${mix(cb)})`;
}

/**
 * A heat map of correlations between names: get(a, b) gives the value (null for none yet).
 * The diagonal is 1. Returns {el, update(a, b)} — update redraws one cell pair.
 */
export function heatMap(names, get) {
  const cell = 44, L = 120, T = 110;
  const n = names.length;
  const W = L + n * cell + 10, H = T + n * cell + 10;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart heatmap', role: 'img', 'aria-label': 'correlation heat map' });
  const cells = new Map();
  names.forEach((nm, i) => {
    const short = nm.length > 16 ? nm.slice(0, 15) + '…' : nm;
    svg.appendChild(s('text', { x: L - 6, y: T + i * cell + cell / 2 + 4, class: 'tick', 'text-anchor': 'end' }, short));
    svg.appendChild(s('text', { x: 0, y: 0, class: 'tick', transform: `translate(${L + i * cell + cell / 2 + 4},${T - 6}) rotate(-60)` }, short));
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const g = s('g', { 'data-a': names[i], 'data-b': names[j] });
      const rect = s('rect', { x: L + j * cell, y: T + i * cell, width: cell - 2, height: cell - 2 });
      const text = s('text', { x: L + j * cell + cell / 2 - 1, y: T + i * cell + cell / 2 + 3, class: 'cellval', 'text-anchor': 'middle' });
      const title = s('title');
      g.append(rect, text, title);
      svg.appendChild(g);
      cells.set(i + ',' + j, { g, rect, text, title, a: names[i], b: names[j] });
    }
  }
  const draw = (c) => {
    const v = c.a === c.b ? 1 : get(c.a, c.b);
    c.rect.setAttribute('fill', corrColor(v));
    c.text.textContent = v === null || v === undefined ? '…' : Number.isFinite(v) ? v.toFixed(2) : '—';
    c.title.textContent = `${c.a} × ${c.b}: ${fmt(v)}`;
    c.g.setAttribute('data-value', v === null || v === undefined ? '' : String(v));
  };
  cells.forEach(draw);
  return {
    el: svg,
    update(a, b) {
      const i = names.indexOf(a), j = names.indexOf(b);
      if (i < 0 || j < 0) return;
      draw(cells.get(i + ',' + j));
      draw(cells.get(j + ',' + i));
    },
  };
}
