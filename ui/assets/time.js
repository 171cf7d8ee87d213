// time.js: every date and time the page writes is in the server's zone,
// WAQ_TIMEZONE, which the server puts in the page's data-tz attribute: the
// reports, the day buckets and the send windows are in that zone, so the
// page says 09:00 where the server means 09:00, whatever the browser's zone.

export const TZ = document.documentElement.dataset.tz || 'UTC';

// zoned makes a formatter in TZ; an unknown zone (an old browser's ICU)
// falls back to UTC rather than breaking the page.
function zoned(opts, locale) {
  try {
    return new Intl.DateTimeFormat(locale, {...opts, timeZone: TZ});
  } catch {
    return new Intl.DateTimeFormat(locale, {...opts, timeZone: 'UTC'});
  }
}

const full = zoned({dateStyle: 'short', timeStyle: 'medium'});
const clockFmt = zoned({timeStyle: 'medium'});
const hm = zoned({hour: '2-digit', minute: '2-digit'});
const weekdayDay = zoned({weekday: 'short', day: 'numeric'});
const monthDay = zoned({month: 'short', day: 'numeric'});
const medium = zoned({dateStyle: 'medium'});
const shortDT = zoned({dateStyle: 'short', timeStyle: 'short'});
const numeric = zoned({hour: 'numeric', minute: 'numeric', hourCycle: 'h23'}, 'en-US');

// when writes a time of the API (RFC 3339) as a date and time in TZ.
export function when(iso) {
  if (!iso) return '–';
  return full.format(new Date(iso));
}

// clock writes the time of day of d in TZ, as the footer's "Updated".
export const clock = (d) => clockFmt.format(d);

// hourMinute returns the hour (0–23) and minute of d in TZ, which decide
// where a chart puts its round labels.
export function hourMinute(d) {
  const p = Object.fromEntries(numeric.formatToParts(d).map((x) => [x.type, x.value]));
  return {hour: Number(p.hour) % 24, minute: Number(p.minute)};
}

// label writes a chart bucket of interval for an axis or a tooltip.
export const label = {
  axisMinute: (d) => hm.format(d),
  axisHour: (d) => weekdayDay.format(d),
  axisDay: (d) => monthDay.format(d),
  bucket: (d, interval) => (interval === 'day' ? medium : shortDT).format(d),
};
