// live.js: how a view refreshes itself in place. Rows are keyed by id and
// carry a signature of what they show: a row whose signature did not change
// is the very same element afterwards, so its checkbox, the keyboard focus
// and the scroll position stay where they were; only changed rows are built
// again and new ones slide in.

import {fill, table, row} from './dom.js';

// patchTable shows rows ({id, sig, cells}) in box as a table, reusing the
// rows of the table already there when the columns are the same. cells is
// a function, called only for rows that must be built.
export function patchTable(box, caption, columns, rows, cls) {
  const key = columns.join('\u0000');
  let tbody = box.querySelector('table > tbody');
  if (!tbody || box.dataset.columns !== key) {
    fill(box, table(caption, columns, [], cls));
    box.dataset.columns = key;
    tbody = box.querySelector('table > tbody');
  }
  const old = new Map([...tbody.children].map((tr) => [tr.dataset.id, tr]));
  const next = rows.map((r) => {
    const tr = old.get(r.id);
    return tr && tr.dataset.sig === r.sig ? tr : row(columns, {id: r.id, sig: r.sig, cells: r.cells()});
  });
  keepScroll(tbody, () => {
    next.forEach((tr, i) => {
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
    });
    while (tbody.children.length > next.length) tbody.lastElementChild.remove();
  });
}

// keepScroll runs change and then scrolls so that the first row in sight
// stays where it was on the screen, when rows came or went above it. (The
// browser's own scroll anchoring does the same in most cases; this covers
// the rest.)
export function keepScroll(tbody, change) {
  const anchor = [...tbody.children].find((tr) => tr.getBoundingClientRect().bottom > 0);
  const top = anchor ? anchor.getBoundingClientRect().top : 0;
  change();
  if (anchor && anchor.isConnected) {
    const moved = anchor.getBoundingClientRect().top - top;
    if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
  }
}

// busy says whether the operator is in the middle of something a refresh
// would disturb: text selected in root, or a dialog open.
export function busy(root) {
  if (document.querySelector('dialog[open]')) return true;
  const sel = window.getSelection();
  return Boolean(sel && !sel.isCollapsed && sel.rangeCount && root.contains(sel.getRangeAt(0).commonAncestorContainer));
}

// sig is the signature of what a row shows.
export const sig = (v) => JSON.stringify(v);
