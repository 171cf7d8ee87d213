// optouts.js: the suppression list, #/optouts. waq sends nothing to a
// contact on it (marketing only, for the marketing scope); opt-out words
// such as STOP or BAJA add to it by themselves. The operator adds a contact
// by hand and removes one (asked first, since waq then writes to that
// number again). The list refreshes itself while in sight.

import {post, del, query, guard} from './api.js';
import {$, h, fill, when, notice, toast, fail, confirm} from './dom.js';
import {patchTable, sig} from './live.js';
import {pagedList} from './paging.js';

const SOURCES = {api: 'the API', keyword: 'their reply'};

export const every = 15000;

let root = null;

export function show(el) {
  if (!root) build(el);
  load(false);
}

export const reload = () => load(false);

function build(el) {
  root = el;
  fill(el,
    h('form', {class: 'card filters optout-form', id: 'optout-form', 'aria-label': 'Add an opt-out', onsubmit: add},
      h('div', {class: 'field'}, h('label', {for: 'oo-contact', text: 'Phone'}),
        h('input', {id: 'oo-contact', name: 'contact', type: 'tel', inputmode: 'tel', autocomplete: 'off', placeholder: '+34600111222', required: true})),
      h('div', {class: 'field'}, h('label', {for: 'oo-scope', text: 'Scope'}),
        h('select', {id: 'oo-scope', name: 'scope'},
          h('option', {value: 'all'}, 'all messages'), h('option', {value: 'marketing'}, 'marketing only'))),
      h('div', {class: 'field wide'}, h('label', {for: 'oo-reason', text: 'Reason'}),
        h('input', {id: 'oo-reason', name: 'reason', type: 'text', maxlength: 500, autocomplete: 'off', placeholder: 'asked by phone'})),
      h('div', {class: 'buttons'}, h('button', {type: 'submit', class: 'primary'}, 'Add opt-out'))),
    h('div', {class: 'card list'}, h('div', {id: 'optout-list'})),
    h('p', {class: 'more'}, h('button', {type: 'button', id: 'optout-more', hidden: true, onclick: () => load(true)}, 'Load more')));
}

const pages = pagedList({
  view: () => root, box: '#optout-list', more: '#optout-more',
  url: (limit, cursor) => '/v1/optouts' + query({limit, cursor}),
  items: (r) => r.optouts,
  render,
});
const load = (more) => pages.load(more);

export const refresh = (force) => pages.refresh(force);

function render() {
  const {shown} = pages;
  const list = $('#optout-list', root);
  if (!shown.length) {
    fill(list, notice('Nobody has opted out: waq may write to every number.'));
    return;
  }
  const columns = ['Phone', 'Scope', 'Reason', 'Source', 'Since', 'Actions'];
  patchTable(list, 'Opt-outs', columns, shown.map((o) => ({id: o.contact, sig: sig(o), cells: () => [
    h('b', {class: 'mono', text: o.contact}), o.scope === 'marketing' ? 'marketing only' : 'all messages',
    o.reason || '–', SOURCES[o.source] || o.source, when(o.at),
    h('button', {type: 'button', class: 'small danger', 'data-action': 'remove', 'aria-label': 'Remove ' + o.contact,
      onclick: () => remove(o.contact)}, 'Remove'),
  ]})), 'optouts');
}

async function add(e) {
  e.preventDefault();
  const f = e.currentTarget;
  await guard(async () => {
    const o = await post('/v1/optouts', {contact: f.contact.value.trim(), scope: f.scope.value, reason: f.reason.value.trim()});
    toast(`${o.contact} opted out of ${o.scope === 'marketing' ? 'marketing' : 'all messages'}`);
    f.contact.value = '';
    f.reason.value = '';
    await refresh(true);
  }, fail);
}

async function remove(contact) {
  if (!(await confirm(`Remove ${contact} from the opt-outs?`, 'waq will send to this number again, campaigns included.', 'Remove', true))) return;
  await guard(async () => {
    await del('/v1/optouts/' + encodeURIComponent(contact));
    toast(`${contact} removed from the opt-outs`);
    await refresh(true);
  }, fail);
}
