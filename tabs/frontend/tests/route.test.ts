import assert from "node:assert/strict";
import { test } from "node:test";
import { matchPath, parseHash } from "../src/route";

test("parseHash splits path and query", () => {
  const { path, params } = parseHash("#/entries/12?tab=files&q=a%20b");
  assert.equal(path, "/entries/12");
  assert.equal(params.get("tab"), "files");
  assert.equal(params.get("q"), "a b");
});

test("parseHash of an empty hash is the root", () => {
  assert.equal(parseHash("").path, "/");
  assert.equal(parseHash("#").path, "/");
  assert.equal(parseHash("#entries").path, "/entries");
});

test("matchPath returns named segments", () => {
  assert.deepEqual(matchPath("/entries/:id", "/entries/12"), { id: "12" });
  assert.deepEqual(matchPath("/topics/:topic/replies/:reply", "/topics/3/replies/9/"), { topic: "3", reply: "9" });
  assert.deepEqual(matchPath("/search/:q", "/search/%D0%BA%D0%B5%D0%B9%D1%81"), { q: "кейс" });
});

test("matchPath rejects other paths", () => {
  assert.equal(matchPath("/entries/:id", "/entries"), null);
  assert.equal(matchPath("/entries/:id", "/events/12"), null);
  assert.equal(matchPath("/entries/:id", "/entries/12/edit"), null);
});
