export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  const trimmed = value?.trim();
  if (!trimmed) {
    return null;
  }
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const at = parseHttpDate(trimmed, now);
  return at === null ? null : Math.max(0, at - now.getTime());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7), all in GMT.
// Date.parse is not used: it accepts garbage such as '-1' (the year 2001).
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function parseHttpDate(value: string, now: Date): number | null {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return toEpochMs({ year: Number(year), month, day, hour, minute, second });
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match;
    return toEpochMs({ year: fullYear(Number(year), now), month, day, hour, minute, second });
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, hour, minute, second, year] = match;
    return toEpochMs({ year: Number(year), month, day, hour, minute, second });
  }
  return null;
}

// RFC 9110: a two-digit year more than 50 years ahead belongs to the previous century.
function fullYear(twoDigits: number, now: Date): number {
  const thisYear = now.getUTCFullYear();
  const year = thisYear - (thisYear % 100) + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function toEpochMs(parts: {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}): number | null {
  const monthIndex = MONTHS.indexOf(parts.month);
  const [day, hour, minute, second] = [parts.day, parts.hour, parts.minute, parts.second].map(
    Number,
  );
  if (monthIndex < 0 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(parts.year, monthIndex, day);
  if (date.getUTCMonth() !== monthIndex || date.getUTCDate() !== day) {
    return null;
  }
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
}
