import assert from "node:assert/strict";
import { test } from "node:test";
import { createFormatter } from "../src/format";

test("time is shown in Moscow time by default", () => {
  const format = createFormatter("ru");
  assert.equal(format.timeZone, "Europe/Moscow");
  assert.equal(format.time("2026-03-05T11:30:00Z"), "14:30");
});

test("dayKey uses the user's calendar day", () => {
  // 22:30 UTC is already the next day in Moscow (UTC+3).
  assert.equal(createFormatter("en").dayKey("2026-03-05T22:30:00Z"), "2026-03-06");
  assert.equal(createFormatter("en", "UTC").dayKey("2026-03-05T22:30:00Z"), "2026-03-05");
});

test("times follow daylight saving in the user's zone", () => {
  const berlin = createFormatter("en", "Europe/Berlin");
  // Berlin moves from UTC+1 to UTC+2 on 29 March 2026.
  assert.equal(berlin.time("2026-03-28T10:00:00Z"), "11:00");
  assert.equal(berlin.time("2026-03-30T10:00:00Z"), "12:00");
});

test("date is written out in each language", () => {
  assert.equal(createFormatter("en").date("2026-03-05T10:00:00Z"), "5 March 2026");
  assert.equal(createFormatter("ru").date("2026-03-05T10:00:00Z"), "5 марта 2026 г.");
});

test("relative names past and future spans", () => {
  const now = new Date("2026-03-05T12:00:00Z");
  const en = createFormatter("en");
  assert.equal(en.relative("2026-03-05T09:00:00Z", now), "3 hours ago");
  assert.equal(en.relative("2026-03-07T12:00:00Z", now), "in 2 days");
  assert.equal(en.relative("2026-03-04T12:00:00Z", now), "yesterday");
  assert.equal(createFormatter("ru").relative("2026-03-05T11:55:00Z", now), "5 минут назад");
});
