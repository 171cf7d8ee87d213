// dom.js: the helpers the views share to build nodes and to format numbers
// and times. Nodes get their text through textContent, never innerHTML, so a
// message's text or error cannot put markup into the page.

export {when} from './time.js';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// h makes an HTML element: props are attributes, "class", "text", or "on..."
// event handlers; kids are nodes or strings, nested arrays flattened and
// null, undefined and false left out.
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...flat(kids));
  return el;
}

// s makes an SVG element; its props are attributes.
export function s(tag, props, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(props || {})) if (v != null) el.setAttribute(k, v);
  el.append(...flat(kids));
  return el;
}

function flat(kids) {
  return kids.flat(Infinity).filter((k) => k != null && k !== false).map((k) => (typeof k === 'object' ? k : String(k)));
}

// fill replaces the children of el.
export function fill(el, ...kids) {
  el.replaceChildren(...flat(kids));
  return el;
}

const numbers = new Intl.NumberFormat();

export const num = (n) => (n == null ? '–' : numbers.format(n));

export const pct = (f) => (f == null ? '–' : numbers.format(Math.round(f * 1000) / 10) + ' %');

// dur writes seconds as a person reads them: "45 s", "3 min 20 s", "2 h 5 min".
export function dur(sec) {
  if (sec == null) return '–';
  if (sec < 10) return (Math.round(sec * 10) / 10) + ' s';
  sec = Math.round(sec);
  const units = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  const parts = [];
  for (const [n, u] of units) {
    if (sec >= n || (parts.length === 0 && n === 1)) {
      parts.push(Math.floor(sec / n) + ' ' + u);
      sec %= n;
    }
    if (parts.length === 2) break;
  }
  if (parts.length === 2 && parts[1].startsWith('0 ')) parts.pop();
  return parts.join(' ');
}

export const ms = (v) => (v == null ? '–' : v < 1000 ? Math.round(v) + ' ms' : dur(v / 1000));

export function money(v, currency) {
  if (v == null) return '–';
  try {
    return new Intl.NumberFormat(undefined, {style: 'currency', currency: currency || 'EUR'}).format(v);
  } catch {
    return num(v) + ' ' + (currency || '');
  }
}

// badge shows a message state with its colour, which the stylesheet keys
// on the st-<state> class.
export const badge = (state) => h('span', {class: 'badge st-' + state}, state);

// bar is a horizontal bar of fraction f (0..1) for meters and the funnel;
// an SVG rect takes a percentage width without an inline style.
export function bar(f, cls = '') {
  const w = Math.max(0, Math.min(1, f || 0)) * 100;
  return s('svg', {class: 'bar ' + cls, 'aria-hidden': 'true', preserveAspectRatio: 'none'},
    s('rect', {class: 'track', width: '100%', height: '100%', rx: 3}),
    s('rect', {class: 'fill', width: w + '%', height: '100%', rx: 3}));
}

export const notice = (text, cls = '') => h('p', {class: 'notice ' + cls, text});

// toast shows a short message in the polite live region, so that screen
// readers hear what an action did.
export function toast(text, kind = 'ok') {
  const t = h('div', {class: 'toast ' + kind, text});
  const box = $('#toasts');
  box.append(t);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

export const fail = (e) => toast(e.message, 'error');

// confirm asks before a destructive or queue-wide action, in a modal
// <dialog>: focus stays in it, Escape cancels, and Cancel has the focus so
// that a stray Enter does not drain the queue.
export function confirm(title, text, ok, danger = false) {
  const d = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  const b = $('#confirm-ok');
  b.textContent = ok;
  b.className = danger ? 'danger' : 'primary';
  d.returnValue = '';
  d.showModal();
  $('#confirm-cancel').focus();
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), {once: true});
  });
}

// table builds a table whose cells carry their column's name in data-label,
// so that the phone layout can show each row as a labelled card. A row is
// an array of cells, or {id, cells} to mark it with data-id.
export function table(caption, columns, rows, cls = '') {
  return h('div', {class: 'table-wrap'},
    h('table', {class: 'rows ' + cls},
      h('caption', {class: 'sr-only', text: caption}),
      h('thead', null, h('tr', null, columns.map((c) => h('th', {scope: 'col', text: c})))),
      h('tbody', null, rows.map((r) => row(columns, r)))));
}

// row makes one row of table: an array of cells, or {id, cells} to mark it
// with data-id (and {sig} to let live.js keep it while it does not change).
export function row(columns, r) {
  const cells = Array.isArray(r) ? r : r.cells;
  return h('tr', Array.isArray(r) ? null : {'data-id': r.id, 'data-sig': r.sig},
    cells.map((c, i) => h('td', {'data-label': columns[i]}, c)));
}
