// Calendar arithmetic in IANA time zones with Intl only: calendar days as
// "YYYY-MM-DD" strings, and local wall times ("YYYY-MM-DDTHH:MM") converted
// to instants the way the server does it (a skipped time is invalid, a
// repeated one means its first occurrence).

export type DayKey = string;

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partFormats.set(zone, format);
  }
  return format;
}

/** Return the wall-clock parts of an instant in a zone. */
export function wallPartsOf(instant: number, zone: string): WallParts & { second: number } {
  const values: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  return {
    year: values.year,
    month: values.month,
    day: values.day,
    hour: values.hour % 24,
    minute: values.minute,
    second: values.second,
  };
}

/** Return the zone's offset from UTC at an instant, in milliseconds. */
export function zoneOffset(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts = wallPartsOf(whole, zone);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - whole;
}

export function parseWall(wall: string): WallParts | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(wall);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return { year, month, day, hour, minute };
}

export type WallResult =
  | { kind: "ok"; instant: Date }
  | { kind: "repeated"; instant: Date }
  | { kind: "skipped" }
  | { kind: "invalid" };

/**
 * Convert a wall time in a zone to an instant. "skipped": the clocks jump
 * over it (spring forward). "repeated": it happens twice (fall back), and the
 * first occurrence is returned, as the server stores it.
 */
export function wallToInstant(wall: string, zone: string): WallResult {
  const parts = parseWall(wall);
  if (!parts) return { kind: "invalid" };
  let naive: number;
  try {
    naive = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    zoneOffset(naive, zone);
  } catch {
    return { kind: "invalid" };
  }
  // Every offset in force within a day either side is a candidate; a candidate
  // is valid when converting it back gives the same wall time.
  const offsets = new Set([zoneOffset(naive - 86_400_000, zone), zoneOffset(naive, zone), zoneOffset(naive + 86_400_000, zone)]);
  const valid = [...offsets]
    .map((offset) => naive - offset)
    .filter((instant) => {
      const back = wallPartsOf(instant, zone);
      return (
        back.year === parts.year &&
        back.month === parts.month &&
        back.day === parts.day &&
        back.hour === parts.hour &&
        back.minute === parts.minute
      );
    })
    .sort((a, b) => a - b);
  const distinct = [...new Set(valid)];
  if (distinct.length === 0) return { kind: "skipped" };
  return { kind: distinct.length > 1 ? "repeated" : "ok", instant: new Date(distinct[0]) };
}

/** Return the wall time ("YYYY-MM-DDTHH:MM") of an instant in a zone. */
export function instantToWall(instant: Date | string, zone: string): string {
  const parts = wallPartsOf(new Date(instant).getTime(), zone);
  return `${dayKeyOf(parts.year, parts.month, parts.day)}T${pad(parts.hour)}:${pad(parts.minute)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

export function dayKeyOf(year: number, month: number, day: number): DayKey {
  return `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`;
}

function dayNumber(key: DayKey): number {
  const [year, month, day] = key.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function fromDayNumber(value: number): DayKey {
  const date = new Date(value * 86_400_000);
  return dayKeyOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function addDays(key: DayKey, days: number): DayKey {
  return fromDayNumber(dayNumber(key) + days);
}

export function daysBetween(from: DayKey, to: DayKey): number {
  return dayNumber(to) - dayNumber(from);
}

/** Monday of the week that contains the day. */
export function weekStart(key: DayKey): DayKey {
  const weekday = (new Date(dayNumber(key) * 86_400_000).getUTCDay() + 6) % 7;
  return addDays(key, -weekday);
}

export function monthStart(key: DayKey): DayKey {
  return `${key.slice(0, 7)}-01`;
}

export function addMonths(key: DayKey, months: number): DayKey {
  const [year, month] = key.split("-").map(Number);
  const index = year * 12 + (month - 1) + months;
  return dayKeyOf(Math.floor(index / 12), (index % 12) + 1, 1);
}

/** Return noon UTC of a day, so Intl formats the day key without shifting it. */
export function dayAsDate(key: DayKey): Date {
  return new Date(dayNumber(key) * 86_400_000 + 12 * 3_600_000);
}

/** List the days of a zone that an event covers, from its start to just before its end. */
export function daysCovered(startsAt: string, endsAt: string, zone: string): DayKey[] {
  const first = instantToWall(startsAt, zone).slice(0, 10);
  const last = instantToWall(new Date(new Date(endsAt).getTime() - 1), zone).slice(0, 10);
  const days: DayKey[] = [];
  for (let day = first; day <= last && days.length < 8; day = addDays(day, 1)) days.push(day);
  return days;
}
