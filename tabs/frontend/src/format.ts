// Dates and numbers in the user's language and time zone. The server sends
// instants as ISO 8601 strings in UTC; they are shown in me.timeZone
// (Europe/Moscow unless the user chose another).
import { useMemo } from "react";
import { useLocale, type Locale } from "./i18n";
import { DEFAULT_TIME_ZONE, useSession } from "./session";

export type DateInput = string | number | Date;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", ru: "ru-RU" };

export interface Formatter {
  locale: Locale;
  timeZone: string;
  /** 5 March 2026 */
  date(value: DateInput): string;
  /** 5 March 2026, 14:30 */
  dateTime(value: DateInput): string;
  /** 14:30 */
  time(value: DateInput): string;
  /** 05.03.2026 (ru) or 05/03/2026 (en) */
  shortDate(value: DateInput): string;
  /** "3 hours ago", "in 2 days"; `now` defaults to the current time. */
  relative(value: DateInput, now?: Date): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** The calendar day ("2026-03-05") of an instant in the user's time zone. */
  dayKey(value: DateInput): string;
}

export function createFormatter(locale: Locale, timeZone: string = DEFAULT_TIME_ZONE): Formatter {
  const tag = INTL_LOCALE[locale];
  const make = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(tag, { timeZone, ...options });
  const dateFormat = make({ day: "numeric", month: "long", year: "numeric" });
  const dateTimeFormat = make({ day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const timeFormat = make({ hour: "2-digit", minute: "2-digit" });
  const shortFormat = make({ day: "2-digit", month: "2-digit", year: "numeric" });
  const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const relativeFormat = new Intl.RelativeTimeFormat(tag, { numeric: "auto" });

  return {
    locale,
    timeZone,
    date: (value) => dateFormat.format(toDate(value)),
    dateTime: (value) => dateTimeFormat.format(toDate(value)),
    time: (value) => timeFormat.format(toDate(value)),
    shortDate: (value) => shortFormat.format(toDate(value)),
    number: (value, options) => new Intl.NumberFormat(tag, options).format(value),
    dayKey: (value) => dayFormat.format(toDate(value)),
    relative(value, now = new Date()) {
      const seconds = Math.round((toDate(value).getTime() - now.getTime()) / 1000);
      const steps: [Intl.RelativeTimeFormatUnit, number][] = [
        ["second", 60],
        ["minute", 60],
        ["hour", 24],
        ["day", 7],
        ["week", 4.34524],
        ["month", 12],
        ["year", Infinity],
      ];
      let amount = seconds;
      for (const [unit, size] of steps) {
        if (Math.abs(amount) < size) return relativeFormat.format(Math.round(amount), unit);
        amount /= size;
      }
      return relativeFormat.format(Math.round(amount), "year");
    },
  };
}

/** The formatter of the signed-in user's language and time zone. */
export function useFormat(): Formatter {
  const locale = useLocale();
  const { me } = useSession();
  return useMemo(() => createFormatter(locale, me.timeZone || DEFAULT_TIME_ZONE), [locale, me.timeZone]);
}
