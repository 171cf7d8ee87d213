// callbacks.js: the status callbacks waq still owes the client's web app,
// #/callbacks?state=pending|failing, from the durable outbox
// (GET /v1/callbacks): pending ones wait for their first try or the next,
// failing ones were refused or went unanswered and are tried again. The
// route is served by the same binary as this page, so it is always there:
// an error answer shows as an error, and the list is asked again.

import {query} from './api.js';
import {$, h, fill, num, when, badge, notice} from './dom.js';
import {patchTable, sig} from './live.js';
import {pagedList} from './paging.js';

const STATES = {pending: 'Pending', failing: 'Failing'};

export const every = 10000;

let root = null;
let state = 'pending';

export function show(el, route) {
  if (!root) build(el);
  state = STATES[route.params.get('state')] ? route.params.get('state') : 'pending';
  for (const a of root.querySelectorAll('.seg a')) {
    if (a.dataset.state === state) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
  load(false);
}

export function reload() {
  load(false);
}

function build(el) {
  root = el;
  fill(el,
    h('div', {class: 'card toolbar start'},
      h('nav', {class: 'seg', 'aria-label': 'Callback state'}, Object.entries(STATES).map(([k, label]) =>
        h('a', {href: '#/callbacks?state=' + k, 'data-state': k, class: 'button'}, label))),
      h('span', {class: 'muted', id: 'cb-about'}, 'Status callbacks waq still owes your web app, oldest first.')),
    h('div', {class: 'card list'}, h('div', {id: 'cb-list'})),
    h('p', {class: 'more'}, h('button', {type: 'button', id: 'cb-more', hidden: true, onclick: () => load(true)}, 'Load more')));
}

const pages = pagedList({
  view: () => root, box: '#cb-list', more: '#cb-more',
  url: (limit, after) => '/v1/callbacks' + query({state, limit, cursor: after}),
  items: (r) => r.callbacks || [],
  render,
  failed,
});
const load = (more) => pages.load(more);

// failed shows the error in place of the list.
function failed(e) {
  $('#cb-more', root).hidden = true;
  fill($('#cb-list', root), notice(e.message, 'error'));
}

export async function refresh(force = false) {
  await pages.refresh(force);
}

function render() {
  const {shown} = pages;
  const list = $('#cb-list', root);
  if (!shown.length) {
    fill(list, notice(state === 'failing' ? 'No callback is failing.' : 'No callback is waiting: every status went out.'));
    return;
  }
  const columns = ['Event', 'Message', 'Status', 'URL', 'Attempts', 'Created', 'Next attempt', 'Last error'];
  patchTable(list, STATES[state] + ' callbacks', columns, shown.map((c) => ({id: c.id, sig: sig(c), cells: () => [
    h('b', {text: c.event || '–'}),
    c.message_id ? h('a', {href: '#/message/' + encodeURIComponent(c.message_id), class: 'mono', text: c.message_id}) : '–',
    c.status ? badge(c.status) : '–', h('span', {class: 'url', text: c.url || '–'}), num(c.attempts),
    when(c.created_at), when(c.next_attempt_at), c.last_error ? h('span', {class: 'err', text: c.last_error}) : '–',
  ]})), 'callbacks');
}
