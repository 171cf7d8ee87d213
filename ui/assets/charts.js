// charts.js: the page's own line charts, drawn as SVG from the points of
// /v1/stats/timeseries. No library: a chart is a few polylines on a grid,
// a summary for screen readers, and a tip with one bucket's values that a
// tap, a pointer or the arrow keys bring up (see tips.js). Buckets and
// labels are in WAQ_TIMEZONE.

import {get, query, iso} from './api.js';
import {h, s, fill, num} from './dom.js';
import {hourMinute, label as fmt} from './time.js';
import {tips} from './tips.js';

// SERIES are the counters the charts draw, in the order of their legend.
export const SERIES = [
  {key: 'sent', label: 'Sent'},
  {key: 'delivered', label: 'Delivered'},
  {key: 'read', label: 'Read'},
  {key: 'failed', label: 'Failed'},
];

// load fetches every metric of SERIES for the buckets of interval that start
// in [from, to).
export async function load(interval, from, to) {
  const one = (metric) => get('/v1/stats/timeseries' +
    query({metric, interval, from: iso(from), to: iso(to)}));
  const answers = await Promise.all(SERIES.map((x) => one(x.key)));
  return SERIES.map((x, i) => ({...x, points: (answers[i] && answers[i].points) || []}));
}

// drawn remembers what each chart shows, so that it can be drawn again at
// the width its container has after a resize or when its view is shown.
const drawn = new Map();

// draw shows series in el, a chart of buckets of interval.
export function draw(el, series, interval, title) {
  drawn.set(el, {series, interval, title, width: 0});
  render(el);
}

// refit draws again the charts whose container changed width.
export function refit() {
  for (const [el, c] of drawn) {
    if (!el.isConnected) drawn.delete(el);
    else if (el.clientWidth > 0 && el.clientWidth !== c.width) render(el);
  }
}

let resizing = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(refit, 150);
});

export const M = {l: 40, r: 10, t: 10, b: 24}; // margins for the axis labels

function render(el) {
  const c = drawn.get(el);
  c.width = el.clientWidth;
  if (c.width === 0) return; // hidden: refit draws it when it is shown
  const W = c.width;
  const H = W < 480 ? 170 : 210;
  const n = Math.max(1, ...c.series.map((x) => x.points.length));
  const {step, top} = scale(Math.max(0, ...c.series.flatMap((x) => x.points.map((p) => p.v))));
  const geo = {
    x: (i) => M.l + (n === 1 ? 0 : (i * (W - M.l - M.r)) / (n - 1)),
    y: (v) => H - M.b - (v * (H - M.t - M.b)) / top,
    W, H, n, top, step,
  };
  const totals = c.series.map((x) => [x, x.points.reduce((a, p) => a + p.v, 0)]);
  const label = c.title + ': ' + totals.map(([x, t]) => x.label.toLowerCase() + ' ' + num(t)).join(', ');
  const svg = s('svg', {class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label,
    tabindex: 0},
    grid(geo),
    xLabels(geo, c.series[0].points, c.interval),
    c.series.map((x) => line(geo, x)));
  const legend = h('ul', {class: 'legend'}, totals.map(([x, t]) =>
    h('li', {class: 'k-' + x.key}, h('span', {class: 'dot', 'aria-hidden': 'true'}), x.label + ' ', h('b', {text: num(t)}))));
  const empty = totals.every(([, t]) => t === 0) ? h('p', {class: 'muted small', text: 'No traffic in this period.'}) : null;
  fill(el, legend, svg, empty);
  tips(el, svg, geo, c.series, (i) => fmt.bucket(new Date(c.series[0].points[i].t), c.interval));
}

// scale picks the grid: a step of 1, 2 or 5 times a power of ten that
// splits the largest value into at most four, so grid lines fall on round
// whole numbers.
function scale(v) {
  let step = 1;
  for (let p = 1; step * 4 < v; p *= 10) {
    step = [p, 2 * p, 5 * p].find((x) => x * 4 >= v) || 10 * p;
  }
  return {step, top: Math.max(step, Math.ceil(v / step) * step)};
}

function grid(g) {
  const lines = [];
  for (let v = 0; v <= g.top; v += g.step) lines.push(v);
  return lines.map((v) => {
    const y = g.y(v);
    return s('g', {class: 'grid'},
      s('line', {x1: M.l, x2: g.W - M.r, y1: y, y2: y}),
      s('text', {x: M.l - 6, y: y + 4, 'text-anchor': 'end'}, num(v)));
  });
}

// xLabels marks round times (every ten minutes, every midnight, or about
// six days), skipping those that would crowd the previous one on a narrow
// chart.
function xLabels(g, points, interval) {
  const step = Math.ceil(points.length / 6);
  let last = -Infinity;
  return points.map((p, i) => {
    const d = new Date(p.t);
    const {hour, minute} = hourMinute(d);
    let text = '';
    if (interval === 'minute' && minute % 10 === 0) text = fmt.axisMinute(d);
    if (interval === 'hour' && hour === 0) text = fmt.axisHour(d);
    if (interval === 'day' && i % step === 0) text = fmt.axisDay(d);
    const x = g.x(i);
    if (!text || x - last < text.length * 7 + 8) return null;
    last = x;
    return s('g', {class: 'grid'},
      s('line', {class: 'tick', x1: x, x2: x, y1: g.H - M.b, y2: g.H - M.b + 4}),
      s('text', {x, y: g.H - 6, 'text-anchor': 'middle'}, text));
  });
}

function line(g, x) {
  const pts = x.points.map((p, i) => g.x(i).toFixed(1) + ',' + g.y(p.v).toFixed(1)).join(' ');
  return s('polyline', {class: 'line k-' + x.key, points: pts});
}
