/**
 * Dates as the usual exports write them. A time without a zone is read as UTC (the exports of
 * Salesforce's Data Loader, HubSpot, Pipedrive, Zoho and Mautic write their own zone or UTC;
 * a report saved in local time is off by that zone's offset — docs/import.md).
 */

/** The order of day and month in a date written with slashes or dashes: `03/04/2025`. */
export type DateOrder = 'mdy' | 'dmy';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = String.raw`(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*([ap]\.?m\.?)?)?`;
const ZONE = String.raw`\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?`;
const ISO = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${ZONE}$`, 'i');
const NUMERIC = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})${TIME}${ZONE}$`, 'i');
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})[ -]([a-z]{3,9})\.?[ ,-]+(\d{4})${TIME}${ZONE}$`, 'i');
const MONTH_NAME_DAY = new RegExp(String.raw`^([a-z]{3,9})\.? (\d{1,2}),? (\d{4})${TIME}${ZONE}$`, 'i');

interface Parts {
  year: number;
  month: number;
  day: number;
  time: (string | undefined)[];
}

/**
 * What a written date says about the file's day/month order: `dmy` when its first number cannot
 * be a month (`25/03/2025`), `mdy` when its second cannot (`03/25/2025`), undefined otherwise.
 * Dotted dates (`25.03.2025`) are always day first and say nothing about the slashed ones.
 */
export function dateOrderEvidence(text: string): DateOrder | undefined {
  const match = NUMERIC.exec(text.trim());
  if (!match || match[2] === '.') return undefined;
  const first = Number(match[1]);
  const second = Number(match[3]);
  if (first > 12 && second <= 12) return 'dmy';
  if (second > 12 && first <= 12) return 'mdy';
  return undefined;
}

/**
 * The instant a cell names, or undefined when it is no date this reads: ISO 8601
 * (`2025-03-04T10:15:00Z`, `2025-03-04 10:15`), `MM/DD/YYYY` or `DD/MM/YYYY` (by `order`) with an
 * optional `h:mm[:ss] [AM|PM]`, `DD.MM.YYYY`, `04-Mar-2025`, `Mar 4, 2025 10:15 AM`.
 *
 * @example parseImportDate('03/04/2025 2:30 PM', 'mdy') // 2025-03-04T14:30:00.000Z
 */
export function parseImportDate(text: string, order: DateOrder): Date | undefined {
  const value = text.trim();
  const read = readParts(value, order);
  return read ? instant(read.parts, read.zone) : undefined;
}

function readParts(value: string, order: DateOrder): { parts: Parts; zone: string | undefined } | undefined {
  const iso = ISO.exec(value);
  if (iso) {
    const parts = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]), time: iso.slice(4, 9) };
    return { parts, zone: iso[9] };
  }
  const numeric = NUMERIC.exec(value);
  if (numeric) {
    const first = Number(numeric[1]);
    const second = Number(numeric[3]);
    const dayFirst = numeric[2] === '.' || order === 'dmy';
    const parts = {
      year: fullYear(numeric[4] as string),
      month: dayFirst ? second : first,
      day: dayFirst ? first : second,
      time: numeric.slice(5, 10),
    };
    return { parts, zone: numeric[10] };
  }
  const dayMonth = DAY_MONTH_NAME.exec(value);
  if (dayMonth) {
    const parts = {
      year: Number(dayMonth[3]),
      month: monthOf(dayMonth[2] as string),
      day: Number(dayMonth[1]),
      time: dayMonth.slice(4, 9),
    };
    return { parts, zone: dayMonth[9] };
  }
  const monthDay = MONTH_NAME_DAY.exec(value);
  if (monthDay) {
    const parts = {
      year: Number(monthDay[3]),
      month: monthOf(monthDay[1] as string),
      day: Number(monthDay[2]),
      time: monthDay.slice(4, 9),
    };
    return { parts, zone: monthDay[9] };
  }
  return undefined;
}

function fullYear(text: string): number {
  const year = Number(text);
  // Two-digit years (a spreadsheet's short date): 00–69 are 2000s, 70–99 the 1900s (POSIX strptime).
  if (text.length === 2) return year < 70 ? 2000 + year : 1900 + year;
  return year;
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1–12 for a month's name or its abbreviation ("Mar", "Sept", "March"), else 0. */
function monthOf(name: string): number {
  const word = name.toLowerCase();
  const index = MONTHS.indexOf(word.slice(0, 3));
  return index >= 0 && (MONTH_NAMES[index] as string).startsWith(word) ? index + 1 : 0;
}

function instant(parts: Parts, zone: string | undefined): Date | undefined {
  const { year, month, day } = parts;
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const [h, m, s, fraction, meridiem] = parts.time;
  let hour = h === undefined ? 0 : Number(h);
  const minute = m === undefined ? 0 : Number(m);
  const second = s === undefined ? 0 : Number(s);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = meridiem.toLowerCase().startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  let at = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone !== undefined && !/^(z|utc|gmt)$/i.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (offset > 14 * 60) return undefined;
    at -= sign * offset * 60_000;
  }
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
