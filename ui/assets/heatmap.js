// heatmap.js: when contacts read and reply, as a week of 7 × 24 coloured
// cells from GET /v1/stats/heatmap over the last four weeks, in
// WAQ_TIMEZONE (the server's cells; the page adds no zone of its own). The
// colour is the cell's value (read rate, reply rate or sends) in five steps
// of the week's highest, the legend says what each step means, and a tap,
// a pointer or the arrow keys bring up a cell's counts in a tip. Nothing is
// told only by colour: the tip and the legend carry the numbers.

import {get, query} from './api.js';
import {h, fill, num, pct} from './dom.js';

export const METRICS = {read_rate: 'Read rate', reply_rate: 'Reply rate', sent: 'Sent'};
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const STEPS = 5; // colour steps above zero

let metric = 'read_rate';

// load fetches the grid of the chosen metric.
export const load = () => get('/v1/stats/heatmap' + query({metric}));

// render draws heatmap answer hm with its metric picker; picking another
// metric loads and draws again in place.
export function render(hm) {
  const box = h('div', {class: 'hm-box'});
  const pick = h('select', {id: 'hm-metric', 'aria-label': 'Heatmap metric', onchange: async (e) => {
    metric = e.target.value;
    fill(box, grid(await load()));
  }}, Object.entries(METRICS).map(([k, label]) => h('option', {value: k, selected: k === metric}, label)));
  fill(box, grid(hm));
  return [h('div', {class: 'toolbar start'}, h('label', {for: 'hm-metric', text: 'Colour by'}), pick), box];
}

const fmt = (m, v) => (m === 'sent' ? num(v) : pct(v));

// step is the colour step of v in a grid whose highest value is top.
const step = (v, top) => (v > 0 && top > 0 ? Math.min(STEPS, Math.ceil((v / top) * STEPS)) : 0);

function grid(hm) {
  const cells = hm.cells || [];
  const top = Math.max(0, ...cells.map((c) => c.value));
  const tip = h('div', {class: 'tip', role: 'status', hidden: true});
  const table = h('div', {class: 'hm', role: 'img', tabindex: '0',
    'aria-label': METRICS[hm.metric] + ' by weekday and hour in ' + hm.timezone + '; tap a cell for its counts'},
  h('span', {class: 'hm-corner'}),
  Array.from({length: 24}, (_, hr) => h('span', {class: 'hm-hour', text: hr % 3 ? '' : String(hr).padStart(2, '0')})),
  DAYS.map((d, wd) => [h('span', {class: 'hm-day', text: d}),
    cells.slice(wd * 24, wd * 24 + 24).map((c) => h('span', {class: 'hm-cell hm-' + step(c.value, top),
      'data-i': String(c.weekday * 24 + c.hour)}))]));
  const box = h('div', {class: 'hm-wrap'}, table, tip);
  tips(box, table, tip, hm);
  return [box, legend(hm.metric, top), h('p', {class: 'muted small', text:
    'Each event counts in the hour it happened, in ' + hm.timezone + ': a read at 20:00 of a message sent at 09:00 is in 20:00.'})];
}

function legend(m, top) {
  const items = [h('li', null, h('span', {class: 'hm-swatch hm-0'}), m === 'sent' ? '0' : 'none')];
  for (let k = 1; k <= STEPS; k++) {
    items.push(h('li', null, h('span', {class: 'hm-swatch hm-' + k}), 'up to ' + fmt(m, (top * k) / STEPS)));
  }
  return h('ul', {class: 'hm-legend', 'aria-label': 'Legend'}, items);
}

// tips shows a cell's counts over it: on a tap or a drag, on mouse hover,
// and with the arrow keys once the grid has the focus.
function tips(box, table, tip, hm) {
  let at = -1;
  const show = (i) => {
    const c = hm.cells[i];
    if (!c) return;
    at = i;
    table.querySelectorAll('.hm-cell.on').forEach((x) => x.classList.remove('on'));
    const cell = table.querySelector('[data-i="' + i + '"]');
    cell.classList.add('on');
    const hh = String(c.hour).padStart(2, '0');
    fill(tip, h('b', {class: 'when', text: DAYS[c.weekday] + ' ' + hh + ':00–' + hh + ':59'}), h('ul', null,
      [['sent', 'Sent', num(c.sent)], ['read', 'Read', num(c.read)], ['replied', 'Replied', num(c.replied)],
        ['value', METRICS[hm.metric], fmt(hm.metric, c.value)]].map(([k, label, v]) =>
        h('li', {'data-k': k}, label + ' ', h('b', {text: v})))));
    tip.hidden = false;
    // Placed with the CSSOM, which the page's CSP allows: over the cell
    // (under it near the top), inside the box's width, never hiding it.
    const r = cell.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const x = r.left - b.left + r.width / 2 - tip.offsetWidth / 2;
    tip.style.left = Math.max(0, Math.min(b.width - tip.offsetWidth, x)) + 'px';
    const above = r.top - b.top - tip.offsetHeight - 4;
    tip.style.top = (above >= 0 ? above : r.bottom - b.top + 4) + 'px'; // below when no room above
  };
  const hide = () => {
    at = -1;
    tip.hidden = true;
    table.querySelectorAll('.hm-cell.on').forEach((x) => x.classList.remove('on'));
  };
  const cellAt = (e) => {
    const el = document.elementFromPoint(e.clientX, e.clientY);
    return el && el.dataset && el.dataset.i != null ? Number(el.dataset.i) : -1;
  };
  table.addEventListener('pointerdown', (e) => { const i = cellAt(e); if (i >= 0) show(i); });
  table.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'mouse' && !e.buttons) return;
    const i = cellAt(e);
    if (i >= 0 && i !== at) show(i);
  });
  table.addEventListener('pointerleave', (e) => { if (e.pointerType === 'mouse') hide(); });
  table.addEventListener('blur', hide);
  document.addEventListener('pointerdown', (e) => { if (box.isConnected && !box.contains(e.target)) hide(); });
  table.addEventListener('keydown', (e) => {
    const moves = {ArrowLeft: -1, ArrowRight: 1, ArrowUp: -24, ArrowDown: 24};
    if (e.key in moves) {
      e.preventDefault();
      show(at < 0 ? 0 : Math.max(0, Math.min(167, at + moves[e.key])));
    } else if (e.key === 'Escape') {
      hide();
    }
  });
}
