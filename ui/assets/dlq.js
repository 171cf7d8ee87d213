// dlq.js: the dead-letter queue, newest death first, with retry and delete
// for each message, for the ticked ones, retry all (of one campaign when
// filtered) and delete all (POST /v1/queue/clean of the dead, so not for
// one campaign, which clean cannot filter). Deleting and retrying many ask
// first; retrying one message does not, since it only puts the message
// back in the queue. The list refreshes itself while in sight, keeping the
// ticks and the scroll.

import {post, del, query, guard} from './api.js';
import {$, h, fill, num, notice, toast, fail, confirm} from './dom.js';
import {messageRows} from './messages.js';
import {patchTable} from './live.js';
import {pagedList} from './paging.js';
import {selection} from './select.js';

const CLEAN_MAX = 100000; // the most POST /v1/queue/clean removes in one call

export const every = 10000;

let root = null;
let app = null;
let campaign = '';

const pick = selection('dlq', [
  {key: 'retry', label: 'Retry', cls: 'primary', fits: (ms) => ms, run: retryMany},
  {key: 'delete', label: 'Delete', cls: 'danger', fits: (ms) => ms, run: removeMany},
], async () => {
  app.refresh();
  await refresh(true);
});

export function show(el, route, a) {
  app = a;
  if (!root) build(el);
  campaign = route.params.get('campaign') || '';
  $('#dlq-campaign', root).value = campaign;
  $('#retry-all', root).textContent = campaign ? `Retry all of “${campaign}”` : 'Retry all';
  $('#delete-all', root).hidden = Boolean(campaign);
  pick.clear();
  load(false);
}

export function reload() {
  load(false);
}

function build(el) {
  root = el;
  fill(el,
    h('div', {class: 'card toolbar'},
      h('form', {class: 'inline', role: 'search', 'aria-label': 'Filter dead letters', onsubmit: filter},
        h('label', {for: 'dlq-campaign', text: 'Campaign'}),
        h('input', {id: 'dlq-campaign', type: 'search', autocomplete: 'off'}),
        h('button', {type: 'submit'}, 'Filter')),
      h('div', {class: 'buttons'},
        h('button', {type: 'button', id: 'retry-all', class: 'primary', onclick: retryAll}, 'Retry all'),
        h('button', {type: 'button', id: 'delete-all', class: 'danger', onclick: deleteAll}, 'Delete all'))),
    h('div', {class: 'card list'}, pick.bar, h('div', {id: 'dlq-list'})),
    h('p', {class: 'more'}, h('button', {type: 'button', id: 'dlq-more', hidden: true, onclick: () => load(true)}, 'Load more')));
}

function filter(e) {
  e.preventDefault();
  const next = '#/dlq' + query({campaign: $('#dlq-campaign', root).value.trim()});
  if (location.hash === next) load(false);
  else location.hash = next;
}

const pages = pagedList({
  view: () => root, box: '#dlq-list', more: '#dlq-more',
  url: (limit, cursor) => '/v1/dlq' + query({campaign, limit, cursor}),
  items: (r) => r.messages,
  render,
});
const load = (more) => pages.load(more);

// refresh reads the list again in place (see messages.js).
export const refresh = (force) => pages.refresh(force);

function render() {
  const {shown, cursor} = pages;
  const list = $('#dlq-list', root);
  $('#retry-all', root).disabled = shown.length === 0;
  $('#delete-all', root).disabled = shown.length === 0;
  pick.show(shown);
  if (!shown.length) {
    fill(list, notice(cursor ? 'None found in the newest records; Load more searches further.' : 'The dead-letter queue is empty.'));
    return;
  }
  const {columns, rows} = messageRows(shown, {pick, extra: {label: 'Actions', cell: (m) => h('div', {class: 'row-actions'},
    h('button', {type: 'button', class: 'small', 'data-action': 'retry', 'aria-label': 'Retry ' + m.id, onclick: () => retry(m.id)}, 'Retry'),
    h('button', {type: 'button', class: 'small danger', 'data-action': 'delete', 'aria-label': 'Delete ' + m.id, onclick: () => remove(m.id)}, 'Delete'))}});
  patchTable(list, 'Dead letters', columns, rows, 'messages');
}

// drop takes a message off the list and puts the focus on the next row's
// first button, so that a keyboard user can go on down the list.
function drop(id) {
  const i = pages.shown.findIndex((m) => m.id === id);
  pages.shown = pages.shown.filter((m) => m.id !== id);
  render();
  const next = $$rows()[Math.min(i, pages.shown.length - 1)];
  (next ? next.querySelector('button') : $('#retry-all', root)).focus();
  app.refresh();
}

const $$rows = () => [...root.querySelectorAll('tbody tr')];

async function retry(id) {
  await guard(async () => {
    const r = await post('/v1/dlq/retry', {ids: [id]});
    toast(r.retried ? 'Queued again with fresh attempts' : 'Not retried: it is no longer dead');
    drop(id);
  }, fail);
}

async function remove(id) {
  if (!(await confirm('Delete this dead message?', `Message ${id} is removed from the dead-letter queue for good.`, 'Delete', true))) return;
  await guard(async () => {
    await del('/v1/dlq/' + encodeURIComponent(id));
    toast('Message deleted');
    drop(id);
  }, fail);
}

async function retryMany(ms) {
  await pick.postIds('/v1/dlq/retry', ms, (r) => `Retried ${num(r.retried)} of ${num(ms.length)} selected`);
}

async function removeMany(ms) {
  const n = num(ms.length);
  if (!(await confirm(`Delete ${n} dead messages?`, `The ${n} selected messages are removed from the dead-letter queue for good.`, 'Delete', true))) return;
  await pick.deleteEach((m) => '/v1/dlq/' + encodeURIComponent(m.id), ms, 'Deleted');
}

async function retryAll() {
  const all = app.queue ? num(app.queue.counts.dead) : 'all';
  const what = campaign ? `every dead message of campaign “${campaign}”` : `all ${all} dead messages`;
  if (!(await confirm('Retry ' + what + '?', 'They go back to the queue with fresh attempts.', 'Retry all'))) return;
  await guard(async () => {
    const r = await post('/v1/dlq/retry', campaign ? {campaign} : undefined);
    toast(`Retried ${num(r.retried)} messages`);
    app.refresh();
    load(false);
  }, fail);
}

async function deleteAll() {
  const all = app.queue ? num(app.queue.counts.dead) : 'all';
  if (!(await confirm(`Delete all ${all} dead messages?`, 'Every message in the dead-letter queue is removed for good.', 'Delete all', true))) return;
  await guard(async () => {
    let total = 0;
    for (let n = CLEAN_MAX; n === CLEAN_MAX; total += n) {
      n = (await post('/v1/queue/clean', {status: 'dead', older_than: '0s', limit: CLEAN_MAX})).removed;
    }
    toast(`Deleted ${num(total)} dead messages`);
    pick.clear();
    app.refresh();
    load(false);
  }, fail);
}
