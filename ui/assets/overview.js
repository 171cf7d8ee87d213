// overview.js: the live view. Counts by state and by priority, each
// sender's state, the dead letters and the oldest queued message come from
// /v1/queue every few seconds; the last hour's chart from the analytics,
// once a minute. The view is built once and then only its texts change, so
// a refresh neither flickers nor moves the keyboard focus.

import {statsAvailable, guard} from './api.js';
import {$, h, s, fill, num, dur, bar, badge, notice, table, when} from './dom.js';
import * as charts from './charts.js';

export const STATES = ['queued', 'scheduled', 'sending', 'retrying', 'sent', 'delivered', 'read', 'failed', 'dead', 'cancelled', 'held'];
const PRIORITIES = ['critical', 'high', 'normal', 'low'];
const CHART_MS = 60000;

export const NOT_AVAILABLE = 'Analytics not available yet: this waq answers 501 for /v1/stats.';

let root = null;
let app = null;
let chartAt = 0;

export function show(el, _route, a) {
  app = a;
  if (!root) build(el);
  if (app.queue) update(app.queue);
}

export function reload() {
  chartAt = 0;
  loadChart();
}

function kpi(id, label, href) {
  const kids = [h('span', {class: 'label', text: label}), h('b', {id: 'kpi-' + id, text: '–'}), h('span', {class: 'sub', id: 'kpi-' + id + '-sub'})];
  return href ? h('a', {class: 'kpi card', href}, kids) : h('div', {class: 'kpi card'}, kids);
}

function build(el) {
  root = el;
  fill(el,
    h('div', {class: 'kpis'},
      kpi('queued', 'Queued now', '#/messages?status=queued'),
      kpi('oldest', 'Oldest queued'),
      kpi('rate', 'Sent in the last minute'),
      kpi('dead', 'Dead letters', '#/dlq')),
    h('section', {class: 'card', 'aria-labelledby': 'h-states'},
      h('h2', {id: 'h-states'}, 'Messages by state ', h('span', {class: 'muted', id: 'total'})),
      h('div', {id: 'state-bar'}),
      h('ul', {class: 'states'}, STATES.map((st) => h('li', null,
        h('a', {href: '#/messages?status=' + st, class: 'st-' + st},
          h('span', {class: 'dot', 'aria-hidden': 'true'}),
          h('span', {class: 'label', text: st}),
          h('span', {class: 'count', 'data-state': st, text: '–'})))))),
    h('div', {class: 'split'},
      h('section', {class: 'card', 'aria-labelledby': 'h-prios'},
        h('h2', {id: 'h-prios', text: 'Queued by priority'}), h('ul', {class: 'prios', id: 'prios'})),
      h('section', {class: 'card', 'aria-labelledby': 'h-senders'},
        h('h2', {id: 'h-senders', text: 'Senders'}), h('div', {id: 'instances'}))),
    h('section', {class: 'card', 'aria-labelledby': 'h-hour'},
      h('h2', {id: 'h-hour', text: 'Last hour, per minute'}), h('div', {id: 'chart-hour', class: 'chart-box'})));
}

// update shows a /v1/queue answer.
export function update(q) {
  if (!root) return;
  let total = 0;
  for (const st of STATES) {
    const n = q.counts[st] || 0;
    total += n;
    const c = $(`[data-state="${st}"]`, root);
    c.textContent = num(n);
    c.closest('li').classList.toggle('zero', n === 0);
  }
  $('#total', root).textContent = num(total) + ' in all';
  fill($('#state-bar', root), stack(q.counts, total));
  $('#kpi-queued', root).textContent = num(q.counts.queued);
  $('#kpi-oldest', root).textContent = q.counts.queued ? dur(q.oldest_queued_age_seconds) : 'none queued';
  $('#kpi-rate', root).textContent = num(q.sent_last_minute);
  $('#kpi-rate-sub', root).textContent = q.instances.length ? num(q.throughput_per_minute) + ' per minute' : 'no gateway';
  $('#kpi-dead', root).textContent = num(q.counts.dead);
  priorities(q.by_priority);
  instances(q.instances);
  loadChart();
}

// stack is the bar of every state's share, as Bull Board draws it.
function stack(counts, total) {
  if (!total) return null;
  let x = 0;
  const parts = STATES.filter((st) => counts[st] > 0).map((st) => {
    const w = (counts[st] / total) * 100;
    const r = s('rect', {class: 'st-' + st, x: x + '%', width: w + '%', height: '100%'}, s('title', null, `${st}: ${num(counts[st])}`));
    x += w;
    return r;
  });
  return s('svg', {class: 'stack', preserveAspectRatio: 'none', 'aria-hidden': 'true'}, parts);
}

function priorities(by) {
  const top = Math.max(1, ...PRIORITIES.map((p) => by[p] || 0));
  fill($('#prios', root), PRIORITIES.map((p) => h('li', {class: 'p-' + p},
    h('span', {class: 'label', text: p}), h('b', {'data-priority': p, text: num(by[p])}), bar((by[p] || 0) / top))));
}

function instances(list) {
  const box = $('#instances', root);
  if (!list.length) {
    fill(box, notice('No gateway is configured, so messages wait. Set WAQ_GATEWAY (evolution, cloudapi or demo).', 'warn'));
    return;
  }
  const rows = list.map((i) => {
    const limit = i.rate_limit || parseInt(i.rate, 10) || 0;
    return {id: i.name, cells: [h('b', {text: i.name}), i.gateway, instanceState(i), i.rate,
      h('div', null, `${num(i.sent_last_window)} of ${num(limit)}`, bar(limit ? i.sent_last_window / limit : 0)),
      i.daily_cap
        ? h('div', null, `${num(i.sent_last_day)} of ${num(i.daily_cap)}`, bar(i.sent_last_day / i.daily_cap))
        : `${num(i.sent_last_day || 0)}, no cap`,
      instanceQueue(i),
      i.waiting || '–']};
  });
  fill(box, table('Senders', ['Instance', 'Gateway', 'State', 'Rate', 'In the rate window', 'Last 24 h', 'Queue', 'Waiting'], rows, 'instances'));
}

// instanceState is an instance's state badge; a paused one says why, since
// when, until when for a hold, and offers to resume.
function instanceState(i) {
  if (i.state !== 'paused') return badge(i.state);
  const since = i.paused_since ? ' since ' + when(i.paused_since) : '';
  return h('div', null, badge(i.held_until ? 'held' : 'paused'),
    h('p', {class: 'reason', text: (i.paused_reason || 'paused') + since}),
    i.held_until ? h('p', {class: 'reason', text: 'sends again by ' + when(i.held_until)}) : null,
    h('button', {type: 'button', class: 'small', onclick: () => app.resume()}, 'Resume'));
}

// instanceQueue is an instance's share of the queue, and the messages that
// wait on it while it does not send, with a link to those pinned to it.
function instanceQueue(i) {
  const q = i.queue;
  if (!q) return '–';
  const counts = `${num(q.queued)} queued, ${num(q.pinned)} pinned`;
  if (!q.waiting) return counts;
  const ids = (q.waiting_ids || []).map((id) => h('a', {href: '#/message/' + encodeURIComponent(id), class: 'mono', text: id}));
  return h('div', {class: 'waiting'}, h('p', null, counts),
    h('p', null, h('a', {href: '#/messages?status=queued&instance=' + encodeURIComponent(i.name), 'data-waiting': i.name},
      `${num(q.waiting)} waiting on it`)),
    ids.length ? h('p', {class: 'ids'}, ids.flatMap((a, n) => (n ? [', ', a] : [a])), q.waiting > ids.length ? ' …' : '') : null);
}

// loadChart draws the last hour at most once a minute; the overview's
// 5-second refresh calls it and it skips until the minute is over.
async function loadChart() {
  const box = $('#chart-hour', root);
  if (!box || Date.now() - chartAt < CHART_MS) return;
  chartAt = Date.now();
  await guard(async () => {
    if (!(await statsAvailable())) {
      fill(box, notice(NOT_AVAILABLE + ' The counts above come from the queue.', 'na'));
      return;
    }
    const to = new Date();
    const from = new Date(to - 3600e3);
    charts.draw(box, await charts.load('minute', from, to), 'minute', 'Sent, delivered, read and failed per minute over the last hour');
  }, (e) => fill(box, notice('Cannot load the chart: ' + e.message, 'error')));
}
