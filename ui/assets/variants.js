// variants.js: the A/B test of each campaign that has variants, under the
// campaigns table: its variants side by side with their sends, rates and
// the reply rate's 95 % interval against the best variant, then the
// verdict: the winner, or how many more sends a winner needs (docs/stats.md
// says how waq decides). Side by side on a desktop, stacked on a phone.

import {h, num, pct, bar} from './dom.js';

// experiments returns a block per campaign with variants, none otherwise.
export function experiments(list) {
  const withVariants = list.filter((c) => (c.variants || []).length);
  if (!withVariants.length) return [];
  return withVariants.map(experiment);
}

function experiment(c) {
  const best = Math.max(...c.variants.map((v) => v.reply_rate), 0);
  return h('section', {class: 'experiment', 'data-campaign': c.name, 'aria-label': 'Variants of ' + c.name},
    h('h3', {text: 'Variants of ' + c.name}, h('span', {class: 'muted', text: ' · ' + (c.allocation === 'adaptive' ? 'adaptive weights' : 'fixed weights')})),
    h('div', {class: 'variants'}, c.variants.map((v) => variant(v, c.winner, best))),
    verdict(c));
}

function variant(v, winner, best) {
  const cmp = (v.vs_best || {}).reply_rate;
  const won = winner === v.name;
  return h('article', {class: 'variant' + (won ? ' winner' : ''), 'data-variant': v.name},
    h('header', null, h('b', {class: 'name', text: v.name}),
      won ? h('span', {class: 'badge st-delivered', text: 'winner'}) : null,
      h('span', {class: 'muted weight', text: num(v.weight) + ' % of sends'})),
    h('div', {class: 'rate'}, h('b', {class: 'reply-rate', text: pct(v.reply_rate)}), h('span', {class: 'muted', text: ' replied'})),
    bar(best ? v.reply_rate / best : 0, 'variant-bar'),
    h('dl', null,
      pair('Sent', num(v.sent)), pair('Delivered', num(v.delivered)), pair('Read', pct(v.read_rate)),
      pair('Replied', num(v.replied)), pair('Conversions', num(v.conversions) + ' · ' + pct(v.conversion_rate))),
    h('p', {class: 'interval', text: interval(cmp)}));
}

function pair(label, value) {
  return [h('dt', {text: label}), h('dd', {text: value})];
}

// interval writes the reply rate against the best: "+5.0 pts [2.1, 7.9],
// 99.9 % likely better" (the best variant is compared with the runner-up).
function interval(cmp) {
  if (!cmp) return 'No comparison yet';
  const p = (x) => (x > 0 ? '+' : '') + (Math.round(x * 1000) / 10).toFixed(1);
  return p(cmp.diff) + ' pts [' + p(cmp.low) + ', ' + p(cmp.high) + '] · ' + chance(cmp.p_better) + ' likely better';
}

// chance keeps a near-certainty from reading as a certainty: "> 99.9 %".
function chance(f) {
  if (f > 0.999) return '> 99.9 %';
  if (f < 0.001) return '< 0.1 %';
  return pct(f);
}

function verdict(c) {
  if (c.winner) return h('p', {class: 'verdict won', text: 'Winner: ' + c.winner + ' (95 % interval clear of the others, sample reached)'});
  if (c.needed > 0) return h('p', {class: 'verdict', text: 'Not yet: ' + num(c.needed) + ' more sends needed'});
  return h('p', {class: 'verdict', text: 'No winner: the variants reply alike at this sample'});
}
