// tips.js: the values of one bucket of a chart, in a tip over it, for
// every way of pointing: a tap (or a drag along the chart) on a phone, a
// mouse hovering, and the arrow keys once the chart has the focus. A tap
// elsewhere, Escape or leaving the chart with the mouse hides it. Nothing
// is told only on hover: the legend has the totals, the tip each bucket.

import {h, s, fill, num} from './dom.js';

// open holds the hide function of each chart's tip, so that a tap
// anywhere else hides them.
const open = new Map();
document.addEventListener('pointerdown', (e) => {
  for (const [box, hide] of open) {
    if (!box.isConnected) open.delete(box);
    else if (!box.contains(e.target)) hide();
  }
});

// tips adds the tip to the chart svg drawn in box with geometry g; title
// names bucket i.
export function tips(box, svg, g, series, title) {
  const n = series[0].points.length;
  if (!n) return;
  const tip = h('div', {class: 'tip', role: 'status', hidden: true});
  const guide = s('line', {class: 'guide', x1: 0, x2: 0, y1: g.y(g.top), y2: g.y(0), visibility: 'hidden'});
  svg.append(guide);
  box.append(tip);
  let at = -1;

  const index = (e) => {
    const r = svg.getBoundingClientRect();
    const x = (e.clientX - r.left) * (g.W / r.width);
    const i = n === 1 ? 0 : Math.round(((x - g.x(0)) * (n - 1)) / (g.x(n - 1) - g.x(0)));
    return Math.max(0, Math.min(n - 1, i));
  };
  const show = (i) => {
    at = i;
    fill(tip, h('b', {class: 'when', text: title(i)}), h('ul', null, series.map((x) =>
      h('li', {class: 'k-' + x.key, 'data-series': x.key}, h('span', {class: 'dot', 'aria-hidden': 'true'}),
        x.label + ' ', h('b', {text: num(x.points[i] ? x.points[i].v : 0)})))));
    tip.hidden = false;
    const x = g.x(i);
    guide.setAttribute('x1', x);
    guide.setAttribute('x2', x);
    guide.setAttribute('visibility', 'visible');
    // Placed with the CSSOM, which the page's CSP allows (a style attribute
    // it would not): centred over the bucket, kept inside the box.
    const r = svg.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const px = r.left - b.left + x * (r.width / g.W);
    tip.style.left = Math.max(0, Math.min(b.width - tip.offsetWidth, px - tip.offsetWidth / 2)) + 'px';
    tip.style.top = Math.max(0, r.top - b.top - tip.offsetHeight - 4) + 'px';
  };
  const hide = () => {
    at = -1;
    tip.hidden = true;
    guide.setAttribute('visibility', 'hidden');
  };
  open.set(box, hide);

  svg.addEventListener('pointerdown', (e) => show(index(e)));
  svg.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'mouse' || e.buttons) show(index(e));
  });
  svg.addEventListener('pointerleave', (e) => {
    if (e.pointerType === 'mouse') hide();
  });
  svg.addEventListener('blur', hide);
  svg.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      const step = e.key === 'ArrowRight' ? 1 : -1;
      show(Math.max(0, Math.min(n - 1, at < 0 ? n - 1 : at + step)));
    } else if (e.key === 'Escape') {
      hide();
    }
  });
}
