// analytics.js: what the traffic did over a period: sent, delivered, read
// and their rates, the last week per hour, conversations and response
// times, the conversion funnel, the sender's performance and the campaigns
// with their ROI, and the report of the period to download as CSV, Excel
// or PDF. Each panel loads on its own, so one failing route leaves
// the others readable. Until the analytics have landed the view says so.
// While in sight the panels read their figures again once a minute, in
// place, so the page keeps its scroll.

import {get, query, iso, statsAvailable, guard, auth, APIError} from './api.js';
import {$, h, fill, num, pct, dur, ms, money, bar, notice, table} from './dom.js';
import {NOT_AVAILABLE} from './overview.js';
import * as charts from './charts.js';
import {experiments} from './variants.js';
import * as heatmap from './heatmap.js';

const DAY = 864e5;
const RANGES = {'24h': ['Last 24 hours', DAY], '7d': ['Last 7 days', 7 * DAY], '30d': ['Last 30 days', 30 * DAY]};
// The report of each range: today, this week, this month.
const PERIODS = {'24h': 'day', '7d': 'week', '30d': 'month'};
// The report files: the CSV in the browser's locale, so Excel in Spain
// gets semicolons, decimal commas and a BOM.
const FILES = [['csv', 'CSV', () => '&locale=' + encodeURIComponent(navigator.language || 'en')],
  ['xlsx', 'Excel', () => ''], ['pdf', 'PDF', () => '']];

let root = null;
let range = '24h';
let gen = 0;

export const every = 60000;

export function show(el, route) {
  if (!root) build(el);
  range = RANGES[route.params.get('range')] ? route.params.get('range') : '24h';
  $('#range', root).value = range;
  links();
  load();
}

export function reload() {
  load();
}

function build(el) {
  root = el;
  fill(el,
    h('div', {class: 'card toolbar start'},
      h('label', {for: 'range', text: 'Period'}),
      h('select', {id: 'range', onchange: (e) => { location.hash = '#/analytics?range=' + e.target.value; }},
        Object.entries(RANGES).map(([k, [label]]) => h('option', {value: k}, label))),
      h('span', {id: 'an-reports', class: 'muted'})),
    h('div', {id: 'an-body'}));
}

// links lists the downloads of the report of the range's period.
function links() {
  const period = PERIODS[range];
  fill($('#an-reports', root), 'Report of ' + (period === 'day' ? 'today' : 'this ' + period) + ':', FILES.map(([format, label, extra]) => [' ',
    h('a', {href: '/v1/reports/' + period + '?format=' + format + extra(), 'data-format': format, download: '',
      onclick: download, text: label})]));
}

// download fetches a report with the API key, which a plain link cannot
// send, and saves it under the name the server gives.
async function download(e) {
  if (!auth.key) return; // no key: the link downloads by itself
  e.preventDefault();
  const a = e.currentTarget;
  await guard(async () => {
    const res = await fetch(a.href, {headers: {Authorization: 'Bearer ' + auth.key}, cache: 'no-store'});
    if (!res.ok) throw new APIError(res.status, 'http_' + res.status, 'the report did not download (HTTP ' + res.status + ')');
    const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
    const url = URL.createObjectURL(await res.blob());
    const save = h('a', {href: url, download: name ? name[1] : 'waq-report'});
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60e3);
  }, (err) => { a.title = err.message; });
}

// panel is a card whose body fills in when its request answers.
function panel(id, title, wide) {
  return h('section', {class: 'card' + (wide ? ' wide' : ''), 'aria-labelledby': 'h-' + id},
    h('h2', {id: 'h-' + id, text: title}), h('div', {id: 'an-' + id}, h('p', {class: 'muted', text: 'Loading…'})));
}

async function load() {
  const body = $('#an-body', root);
  const g = ++gen;
  await guard(async () => {
    const available = await statsAvailable();
    $('.toolbar', root).hidden = !available;
    if (!available) {
      fill(body, notice(NOT_AVAILABLE + ' Charts, rates, the funnel and the campaigns show here once it has them.', 'na'));
      return;
    }
    fill(body,
      panel('messages', 'Messages', true),
      panel('week', 'Last 7 days, per hour', true),
      panel('heatmap', 'When contacts read and reply: last 4 weeks by weekday and hour', true),
      h('div', {class: 'split even'}, panel('conversations', 'Conversations'), panel('funnel', 'Conversion funnel')),
      panel('performance', 'Sending performance', true),
      panel('campaigns', 'Campaigns', true));
    await figures(g);
  }, (e) => fill(body, notice(e.message, 'error')));
}

// refresh reads every panel's figures again into the panels shown.
export async function refresh() {
  if (!root || !$('#an-messages', root)) return;
  await figures(gen);
}

// figures fills each panel from its route, for the range up to now; a
// newer load (another range) makes the answers of generation g stale.
function figures(g) {
  const to = new Date();
  const q = query({from: iso(new Date(to - RANGES[range][1])), to: iso(to)});
  return Promise.all([
    part(g, 'messages', () => get('/v1/stats/messages' + q), messages),
    part(g, 'week', () => charts.load('hour', new Date(to - 7 * DAY), to), (series) => {
      const box = h('div', {class: 'chart-box'});
      // Drawn once the box is in the page, which gives it its width.
      queueMicrotask(() => charts.draw(box, series, 'hour', 'Sent, delivered, read and failed per hour over the last 7 days'));
      return box;
    }),
    part(g, 'heatmap', heatmap.load, heatmap.render),
    part(g, 'conversations', () => get('/v1/stats/conversations' + q), conversations),
    part(g, 'funnel', () => get('/v1/stats/conversions' + q), funnel),
    part(g, 'performance', () => get('/v1/stats/performance' + q), performance),
    part(g, 'campaigns', () => get('/v1/stats/campaigns' + q), campaigns),
  ]);
}

function part(g, id, fetch, render) {
  const box = () => $('#an-' + id, root);
  return guard(async () => {
    const v = await fetch();
    if (g === gen && box()) fill(box(), render(v));
  }, (e) => {
    if (g === gen && box()) fill(box(), notice(e.message, 'error'));
  });
}

const stat = (label, value, sub) => h('div', {class: 'stat'},
  h('span', {class: 'label', text: label}), h('b', {text: value}), sub ? h('span', {class: 'sub', text: sub}) : null);

function messages(m) {
  return h('div', {class: 'stats'},
    stat('Enqueued', num(m.enqueued)), stat('Sent', num(m.sent)),
    stat('Delivered', num(m.delivered), pct(m.delivery_rate) + ' of sent'),
    stat('Read', num(m.read), pct(m.read_rate) + ' of sent'),
    stat('Failed', num(m.failed)), stat('Dead', num(m.dead)), stat('Received', num(m.received)),
    stat('Delivery rate', pct(m.delivery_rate)), stat('Read rate', pct(m.read_rate)));
}

function conversations(c) {
  const rt = c.response_time || {};
  return [
    h('div', {class: 'stats'},
      stat('Started', num(c.started)), stat('Ended', num(c.ended)), stat('Active', num(c.active)),
      stat('Handoffs', num(c.handoffs), pct(c.handoff_rate) + ' of started')),
    h('h3', {text: 'Response time'}),
    h('div', {class: 'stats'},
      stat('Average', dur(rt.avg_seconds)), stat('Median', dur(rt.p50_seconds)),
      stat('90th pct', dur(rt.p90_seconds)), stat('99th pct', dur(rt.p99_seconds))),
  ];
}

const STEPS = [['lead', 'Leads', null], ['qualified_lead', 'Qualified', 'lead_to_qualified'],
  ['appointment', 'Appointments', 'qualified_to_appointment'], ['sale', 'Sales', 'appointment_to_sale']];

function funnel(c) {
  const top = Math.max(1, ...STEPS.map(([k]) => c[k] || 0));
  const f = c.funnel || {};
  const values = Object.entries(c.value || {}).filter(([, v]) => v).map(([cur, v]) => money(v, cur));
  return [
    h('ol', {class: 'funnel'}, STEPS.map(([k, label, rate]) => h('li', null,
      h('span', {class: 'label', text: label}), h('b', {'data-step': k, text: num(c[k])}),
      bar((c[k] || 0) / top, 'funnel'),
      h('span', {class: 'sub', text: rate ? pct(f[rate]) + ' of the step before' : ''})))),
    h('p', {class: 'muted', text: 'Value: ' + (values.length ? values.join(', ') : 'none recorded')}),
  ];
}

function performance(p) {
  const lat = (l) => (l ? [ms(l.p50_ms), ms(l.p95_ms), ms(l.p99_ms)] : ['–', '–', '–']);
  return [
    h('div', {class: 'stats'},
      stat('Throughput', num(p.throughput_last_minute), 'in the last minute'),
      stat('Average', num(p.throughput_per_minute), 'per minute over the period'),
      stat('Error rate', pct(p.error_rate)), stat('Retry rate', pct(p.retry_rate))),
    table('Latencies', ['', 'Median', '95th pct', '99th pct'], [
      [h('b', {text: 'Queue wait'}), ...lat(p.queue_wait)],
      [h('b', {text: 'Gateway latency'}), ...lat(p.gateway_latency)],
    ], 'latency'),
  ];
}

function campaigns(r) {
  const list = (r.campaigns || []).slice().sort((a, b) => b.sent - a.sent);
  if (!list.length) return notice('No campaign sent anything in this period.');
  const roi = (c) => h('span', {class: c.roi > 0 ? 'pos' : c.roi < 0 ? 'neg' : '', text: c.cost ? pct(c.roi) : '–'});
  return [table('Campaigns', ['Campaign', 'Sent', 'Delivered', 'Read', 'Replied', 'Failed', 'Conversions', 'Cost', 'Revenue', 'ROI', 'Engagement'],
    list.map((c) => ({id: c.name, cells: [h('a', {href: '#/messages?campaign=' + encodeURIComponent(c.name), text: c.name}),
      num(c.sent), num(c.delivered), num(c.read), num(c.replied), num(c.failed), num(c.conversions),
      money(c.cost, c.currency), money(c.revenue, c.currency), roi(c), pct(c.engagement_rate)]})), 'campaigns'),
  experiments(list)];
}
