// India time. Asia/Kolkata is a fixed +05:30 with no daylight saving, so everything here is
// plain arithmetic on UTC fields and never depends on the machine's time zone.

const IST_OFFSET_MINUTES = 330;
const IST_OFFSET_MS = IST_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// `YYYY-MM-DD HH:mm:ss` (Enkash txnDate) or the ISO `T` form, optional fraction, optional zone.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// The years an instant PayOps stores may fall in, both in UTC and in IST. Postgres holds no
// year 0 and a Date serialises 10000+ as `+010000-…`, which Postgres refuses; a zone shift moves
// an edge instant across a year, so the range keeps a year clear of both ends.
export const EARLIEST_YEAR = 1000;
export const LATEST_YEAR = 9998;

/** True when the instant's year is within EARLIEST_YEAR–LATEST_YEAR in UTC and in IST. */
export function isStorableInstant(ms: number): boolean {
  if (!Number.isFinite(ms)) return false;
  const inRange = (t: number) => {
    const year = new Date(t).getUTCFullYear();
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  };
  return inRange(ms) && inRange(ms + IST_OFFSET_MS);
}

/**
 * Reads a provider timestamp. A time without a zone is India time: Enkash documents
 * `txnDate` as `YYYY-MM-DD HH:mm:ss` with no offset (reference/enkash-pg-payment-notify-request.txt).
 * An explicit `Z` or `±HH:MM` is honoured. Anything invalid gives null, and so does an instant
 * outside the storable years (isStorableInstant): a provider time must never be one the
 * database refuses.
 */
export function parseProviderTime(input: unknown): Date | null {
  if (typeof input !== 'string') return null;
  const m = DATE_TIME.exec(input);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone] = m;
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (hour > 23 || minute > 59 || second > 59) return null;

  let offsetMinutes = IST_OFFSET_MINUTES;
  if (zone === 'Z') {
    offsetMinutes = 0;
  } else if (zone) {
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }

  const dayStart = utcDayStart(Number(y), Number(mo), Number(d));
  if (dayStart === null) return null;
  // Milliseconds only: a Date cannot hold more, so extra fraction digits are truncated.
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  const instant = local - offsetMinutes * 60_000;
  return isStorableInstant(instant) ? new Date(instant) : null;
}

/** `07 Feb 2025, 14:00:05 IST` — for people. */
export function formatIst(date: Date): string {
  const t = istFields(date);
  return `${t.day} ${MONTHS[t.month - 1]} ${t.year}, ${t.hour}:${t.minute}:${t.second} IST`;
}

/** `2025-02-07T14:00:05+05:30` — ISO-8601 with the offset, for APIs. */
export function toIsoIst(date: Date): string {
  const t = istFields(date);
  // Milliseconds only when there are some, so whole-second provider times read as sent.
  const ms = t.ms === '000' ? '' : `.${t.ms}`;
  return `${t.yearPadded}-${pad(t.month, 2)}-${t.day}T${t.hour}:${t.minute}:${t.second}${ms}+05:30`;
}

/**
 * The whole IST day `YYYY-MM-DD` as [start, end): midnight IST to the next midnight IST. Null for
 * a day whose edges are not storable instants, since the range goes into a query.
 */
export function istDayRange(day: string): { start: Date; end: Date } | null {
  const m = typeof day === 'string' ? DAY.exec(day) : null;
  if (!m) return null;
  const dayStart = utcDayStart(Number(m[1]), Number(m[2]), Number(m[3]));
  if (dayStart === null) return null;
  const start = dayStart - IST_OFFSET_MS;
  if (!isStorableInstant(start) || !isStorableInstant(start + DAY_MS)) return null;
  return { start: new Date(start), end: new Date(start + DAY_MS) };
}

/** Epoch ms of 00:00 UTC on a calendar date, or null when the date does not exist. */
function utcDayStart(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function istFields(date: Date) {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid Date');
  const ist = new Date(time + IST_OFFSET_MS);
  const year = ist.getUTCFullYear();
  return {
    year,
    yearPadded: year >= 0 && year <= 9999 ? pad(year, 4) : String(year),
    month: ist.getUTCMonth() + 1,
    day: pad(ist.getUTCDate(), 2),
    hour: pad(ist.getUTCHours(), 2),
    minute: pad(ist.getUTCMinutes(), 2),
    second: pad(ist.getUTCSeconds(), 2),
    ms: pad(ist.getUTCMilliseconds(), 3),
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const MINUTE_MS = 60_000;

/**
 * `just now`, `3 min ago`, `5 h ago`, `yesterday, 14:05`, `3 days ago`; from a week on, the IST
 * date (`7 Feb 2025`). Future times (a clock ahead of ours) read `in 2 min`. For people: the
 * exact time goes beside it (formatIst).
 */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diff = now.getTime() - date.getTime();
  const ahead = diff < 0;
  const minutes = Math.floor(Math.abs(diff) / MINUTE_MS);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return ahead ? `in ${minutes} min` : `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (ahead) return hours < 24 ? `in ${hours} h` : formatIstDate(date);
  const t = istFields(date);
  const dayOf = (d: Date) => Math.floor((d.getTime() + IST_OFFSET_MS) / DAY_MS);
  const days = dayOf(now) - dayOf(date);
  if (days === 0) return `${hours} h ago`;
  if (days === 1) return `yesterday, ${t.hour}:${t.minute}`;
  if (days < 7) return `${days} days ago`;
  return formatIstDate(date);
}

/** `7 Feb 2025` (the IST date). */
export function formatIstDate(date: Date): string {
  const t = istFields(date);
  return `${Number(t.day)} ${MONTHS[t.month - 1]} ${t.year}`;
}
