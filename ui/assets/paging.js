// paging.js: a list the API gives a page at a time (messages, dead letters,
// opt-outs, callbacks). "Load more" adds the next page to the rows shown; a
// refresh reads again as many rows as are shown, newest first, so that the
// list keeps its length while rows come and go.

import {get, guard} from './api.js';
import {$, h, fill, notice, fail} from './dom.js';
import {busy} from './live.js';

const PAGE = 50;
const MAX = 1000; // the most a refresh asks for: the API's page limit

// pagedList keeps the rows of a list of view() (the view's element, null
// until it is built): shown, and cursor (the next page's, '' when there is
// none). box and more select the list's element and its Load more button;
// url(limit, cursor) is the address of a page, items(answer) the rows of an
// answer; render() draws shown. failed(e), when given, shows why the first
// page could not be read; by default the error takes the list's place.
export function pagedList({view, box, more, url, items, render, failed}) {
  let gen = 0; // a newer load makes the answers of older ones stale
  const list = {shown: [], cursor: ''};
  const failedFirst = failed || ((e) => fill($(box, view()), notice(e.message, 'error')));
  const take = (r, shown) => {
    list.shown = shown;
    list.cursor = r.next_cursor || '';
    $(more, view()).hidden = !list.cursor;
    render();
  };

  // load reads the first page again (next false) or adds the next one.
  list.load = async (next) => {
    const g = ++gen;
    if (!next) {
      list.cursor = '';
      list.shown = [];
      fill($(box, view()), h('p', {class: 'muted', text: 'Loading…'}));
    }
    await guard(async () => {
      const r = await get(url(PAGE, list.cursor));
      if (g === gen) take(r, list.shown.concat(items(r)));
    }, next ? fail : failedFirst);
  };

  // refresh reads the rows shown again, and the view changes only the rows
  // that changed (see live.js). It waits while the operator is busy in the
  // view (see busy); force (after an action) does not. A failure shows
  // nowhere: the footer tells when waq does not answer.
  list.refresh = async (force = false) => {
    if (!view() || (!force && busy(view()))) return;
    const g = gen;
    await guard(async () => {
      const r = await get(url(Math.min(MAX, Math.max(PAGE, list.shown.length)), ''));
      if (g === gen) take(r, items(r));
    }, () => {});
  };
  return list;
}
