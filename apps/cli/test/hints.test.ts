import { describe, expect, test } from "vitest";
import { hintFor } from "../src/hints.js";
import { escapeControls } from "../src/main.js";

/** Shaped like the engine's OriginHttpError (the hint matches on fields, not the class). */
function httpError(url: string, status: number): Error {
  return Object.assign(new Error(`${url}: HTTP ${status} (expected 200)`), { url, status });
}

const EGRESS = "https://abc.egress.mediapackage-vod.eu-west-1.amazonaws.com/out/v1/g1/hls/asset-1/index.m3u8";

describe("hintFor", () => {
  test.each([
    [
      "a 404 from a MediaPackage egress URL without the header",
      httpError(EGRESS, 404),
      [],
      /add -H "X-MediaPackage-CDNIdentifier: /,
    ],
    [
      "a 403 from one, wrapped by the engine",
      new Error("planning failed", { cause: httpError(EGRESS, 403) }),
      [],
      /add -H/,
    ],
    [
      "with the header given: the value is the suspect",
      httpError(EGRESS, 404),
      ["-H", "x-mediapackage-cdnidentifier: s"],
      /is not the packaging group's current secret/,
    ],
  ] as const)("%s", (_what, error, argv, hint) => {
    expect(hintFor(error, argv)).toMatch(hint);
  });

  test.each([
    ["a 404 elsewhere", httpError("https://cdn.example.com/vod/index.m3u8", 404)],
    ["a 500 from MediaPackage", httpError(EGRESS, 500)],
    ["an error without a status", new Error("boom")],
    ["not an error", "boom"],
  ])("%s: no hint", (_what, error) => {
    expect(hintFor(error, [])).toBe("");
  });

  test("never echoes a header value", () => {
    expect(hintFor(httpError(EGRESS, 404), ["--header=X-MediaPackage-CDNIdentifier: topsecret"])).not.toMatch(
      /topsecret/,
    );
  });
});

describe("escapeControls", () => {
  test.each([
    ["a NUL in a key", "bad\u0000key", "bad\\x00key"],
    ["an escape sequence", "\u001b[31mred", "\\x1b[31mred"],
    ["DEL and C1", "a\u007fb\u0085", "a\\x7fb\\x85"],
    ["tabs and newlines are left to the caller", "a\tb\nc", "a\tb\nc"],
  ])("%s", (_what, text, expected) => {
    expect(escapeControls(text)).toBe(expected);
  });
});
