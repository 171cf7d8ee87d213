// select.js: the checkboxes of a list and the actions on what is ticked.
// The selection is kept across the list's refreshes; a message that leaves
// the list leaves the selection too, so an action never touches a message
// the operator cannot see. "Select all" ticks the rows on the page, not
// every message waq has.

import {post, del, guard} from './api.js';
import {h, num, toast, fail} from './dom.js';

// selection makes the checkboxes and the bar of list name. Each action is
// {key, label, cls, fits(items) -> the items it applies to, run(items)};
// its button is disabled while nothing ticked fits it. after() reads again
// what an action changed.
export function selection(name, actions, after = async () => {}) {
  const id = 'sel-' + name; // ids of the bar: sel-msg-all, sel-dlq-count, ...
  const picked = new Map(); // id -> item
  let shown = [];
  const all = h('input', {type: 'checkbox', id: id + '-all', onchange: (e) => {
    for (const it of shown) {
      if (e.target.checked) picked.set(it.id, it);
      else picked.delete(it.id);
    }
    sync();
  }});
  const count = h('span', {class: 'sel-count', id: id + '-count', 'aria-live': 'polite'});
  const buttons = actions.map((a) => h('button', {type: 'button', class: 'small ' + (a.cls || ''), 'data-bulk': a.key,
    onclick: async () => {
      const items = a.fits([...picked.values()]);
      if (items.length) await a.run(items);
    }}, a.label));
  const bar = h('div', {class: 'selbar', id: id + '-bar'},
    h('label', {class: 'all', for: id + '-all'}, all, ' Select all on this page'), count,
    h('div', {class: 'buttons'}, buttons));

  function sync() {
    all.checked = shown.length > 0 && shown.every((it) => picked.has(it.id));
    all.indeterminate = !all.checked && shown.some((it) => picked.has(it.id));
    all.disabled = shown.length === 0;
    count.textContent = picked.size ? num(picked.size) + ' selected' : 'None selected';
    actions.forEach((a, i) => {
      const n = a.fits([...picked.values()]).length;
      buttons[i].disabled = n === 0;
      buttons[i].textContent = a.label + (n ? ` (${num(n)})` : '');
    });
    for (const box of document.querySelectorAll(`input[data-pick="${name}"]`)) box.checked = picked.has(box.value);
  }

  function clear() {
    picked.clear();
    sync();
  }

  // settle clears the ticks once an action is done and reads again.
  async function settle() {
    clear();
    await after();
  }

  return {
    bar,
    // box is the checkbox of one row.
    box: (it) => h('input', {type: 'checkbox', class: 'pick', 'data-pick': name, value: it.id, 'aria-label': 'Select ' + it.id,
      checked: picked.has(it.id), onchange: (e) => {
        if (e.target.checked) picked.set(it.id, it);
        else picked.delete(it.id);
        sync();
      }}),
    // show tells which items the list shows now, with their current state.
    show(items) {
      shown = items;
      const now = new Map(items.map((it) => [it.id, it]));
      for (const id of [...picked.keys()]) {
        if (now.has(id)) picked.set(id, now.get(id));
        else picked.delete(id);
      }
      sync();
    },
    clear,
    // postIds posts the ids of items to path, tells the operator told(answer)
    // and settles; a failure is told and keeps the ticks.
    async postIds(path, items, told) {
      await guard(async () => {
        toast(told(await post(path, {ids: items.map((it) => it.id)})));
        await settle();
      }, fail);
    },
    // deleteEach deletes every item at path(item), a few at a time, tells
    // how many went (verb: 'Deleted', 'Cancelled') and settles.
    async deleteEach(path, items, verb) {
      const r = await each(items, (it) => del(path(it)));
      if (r.errors.length) toast(`${verb} ${num(r.ok)}; ${num(r.errors.length)} not: ${r.errors[0].message}`, 'error');
      else toast(`${verb} ${num(r.ok)} messages`);
      await settle();
    },
  };
}

// each runs f on every item, a few at a time, and returns how many
// succeeded and the errors of the others; it never throws.
export async function each(items, f, parallel = 6) {
  const errors = [];
  let ok = 0;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const it = items[next++];
      try {
        await f(it);
        ok++;
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(parallel, items.length)}, worker));
  return {ok, errors};
}
