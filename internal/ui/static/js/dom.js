// Small DOM helpers. Text always goes in through textContent: nothing the server or a file
// says is ever parsed as HTML.

/**
 * h('div.cls#id', {attr: value, onclick: fn}, child, ...): an element. Children are nodes,
 * strings (text), arrays of children, or null/false (nothing).
 */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/.exec(spec);
  if (!m) throw new Error('bad element spec ' + spec);
  const el = document.createElement(m[1]);
  for (const part of m[2].match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces el's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A number for a table: up to 6 significant digits, '—' when null or not finite. */
export function fmt(v) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

/** A byte count: B, KiB, MiB, GiB. */
export function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** An error box with the server's (or the file's) words. */
export function errorBox(err) {
  return h('div.error', { role: 'alert' }, err instanceof Error ? err.message : String(err));
}

/** A progress bar: {el, set(fraction, label)}. */
export function progressBar(label) {
  const fill = h('div.fill');
  const text = h('span.label', label || '');
  const el = h('div.progress', { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, fill, text);
  return {
    el,
    set(fraction, lbl) {
      const pct = Math.max(0, Math.min(100, Math.round(fraction * 1000) / 10));
      fill.style.width = pct + '%';
      el.setAttribute('aria-valuenow', String(pct));
      el.dataset.percent = String(pct);
      if (lbl !== undefined) text.textContent = lbl;
    },
  };
}

/** A table from a header row and rows of cells (strings, numbers or nodes). */
export function table(head, rows, cls) {
  return h('table' + (cls ? '.' + cls : ''),
    h('thead', h('tr', head.map((c) => h('th', c)))),
    h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', typeof c === 'number' || c === null ? fmt(c) : c))))));
}

/** A select with options [[value, label], ...] or [value, ...]. */
export function select(attrs, options, selected) {
  return h('select', attrs, options.map((o) => {
    const [v, l] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === selected }, l);
  }));
}

/** A checkbox list of names: {el, values()}. */
export function checkList(names, checked = () => false, cls = 'checklist') {
  const boxes = names.map((n) => h('input', { type: 'checkbox', value: n, checked: checked(n) }));
  const el = h('div.' + cls, names.map((n, i) => h('label', boxes[i], ' ', n)));
  return { el, values: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}
