import assert from "node:assert/strict";
import { test } from "node:test";
import { matchLocale, translate } from "../src/i18n";
import { messages } from "../src/i18n/index";

test("translate fills placeholders", () => {
  assert.equal(translate("en", "paging.status", { page: 2, pages: 5 }), "Page 2 of 5");
  assert.equal(translate("ru", "paging.status", { page: 2, pages: 5 }), "Страница 2 из 5");
});

test("translate returns the key of a missing text", () => {
  assert.equal(translate("en", "no.such.key"), "no.such.key");
});

test("translate picks the plural form of the language", () => {
  // Plural groups are "<key>.<category>" keys. This adds one to the merged catalogs.
  Object.assign(messages.en, { "test.cases.one": "{count} case", "test.cases.other": "{count} cases" });
  Object.assign(messages.ru, {
    "test.cases.one": "{count} кейс",
    "test.cases.few": "{count} кейса",
    "test.cases.many": "{count} кейсов",
    "test.cases.other": "{count} кейса",
  });
  assert.equal(translate("en", "test.cases", { count: 1 }), "1 case");
  assert.equal(translate("en", "test.cases", { count: 5 }), "5 cases");
  assert.equal(translate("ru", "test.cases", { count: 1 }), "1 кейс");
  assert.equal(translate("ru", "test.cases", { count: 3 }), "3 кейса");
  assert.equal(translate("ru", "test.cases", { count: 11 }), "11 кейсов");
  assert.equal(translate("ru", "test.cases", { count: 21 }), "21 кейс");
});

test("matchLocale maps tags to supported languages", () => {
  assert.equal(matchLocale("ru-RU"), "ru");
  assert.equal(matchLocale("en_GB"), "en");
  assert.equal(matchLocale("EN"), "en");
  assert.equal(matchLocale("de-DE"), null);
  assert.equal(matchLocale(undefined), null);
});
