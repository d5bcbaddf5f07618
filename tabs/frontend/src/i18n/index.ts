// All message catalogs, merged. Each area keeps its texts in its own file
// exporting {en, ru} with the same keys; `npm run check` compares them.
import calendar from "./calendar";
import common from "./common";
import forum from "./forum";
import library from "./library";
import my from "./my";
import mentors from "./mentors";
import news from "./news";
import stats from "./stats";

export const catalogs = { common, calendar, news, forum, my, mentors, library, stats };

export type Locale = "en" | "ru";
export const LOCALES: readonly Locale[] = ["ru", "en"];

export type Messages = Record<string, string>;

function merge(locale: Locale): Messages {
  const merged: Messages = {};
  for (const catalog of Object.values(catalogs)) {
    Object.assign(merged, (catalog as Record<Locale, Messages>)[locale]);
  }
  return merged;
}

export const messages: Record<Locale, Messages> = { en: merge("en"), ru: merge("ru") };
