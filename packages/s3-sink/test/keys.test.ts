import { describe, expect, test } from "vitest";
import { InvalidKeyError } from "../src/errors.js";
import { isValidKey, keySegments, validateListPrefix } from "../src/keys.js";

describe("keySegments", () => {
  test.each([
    ["index.m3u8", ["index.m3u8"]],
    ["a/b/c.ts", ["a", "b", "c.ts"]],
    ["_external/cdn.example/x.ts", ["_external", "cdn.example", "x.ts"]],
    ["..hidden/x", ["..hidden", "x"]],
    ["a/...", ["a", "..."]],
    ["with space/é.ts", ["with space", "é.ts"]],
  ])("accepts %j", (key, segments) => {
    expect(keySegments(key)).toEqual(segments);
  });

  test.each([
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["../x", '".." segment'],
    ["a/../../x", '".." segment'],
    ["a/..", '".." segment'],
    ["./a", '"." segment'],
    ["a/./b", '"." segment'],
    ["a//b", "empty path segment"],
    ["a/", "empty path segment"],
    ["a\\..\\b", "backslash"],
    ["a\0b", "NUL"],
  ])("refuses %j (%s)", (key, reason) => {
    expect(() => keySegments(key)).toThrow(InvalidKeyError);
    expect(() => keySegments(key)).toThrow(reason);
    expect(isValidKey(key)).toBe(false);
  });
});

describe("validateListPrefix", () => {
  test.each(["", "a", "a/", "a/b", "a/b/", "seg_0"])("accepts %j", (prefix) => {
    expect(validateListPrefix(prefix)).toBe(prefix);
  });
  test.each(["/", "/a", "../", "a//", "a/../"])("refuses %j", (prefix) => {
    expect(() => validateListPrefix(prefix)).toThrow(InvalidKeyError);
  });
});
