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

describe("keySegments: byte limits (UTF-8, whatever the characters)", () => {
  const segment = (unit: string, count: number) => unit.repeat(count);
  test.each([
    ["255 ASCII bytes", segment("a", 255)],
    ["85 × é (170 bytes)", segment("é", 85)],
    ["85 × € (255 bytes)", segment("€", 85)],
    ["63 × 😀 (252 bytes)", segment("😀", 63)],
  ])("a name of %s is accepted", (_case, name) => {
    expect(keySegments(`v/${name}`)).toEqual(["v", name]);
  });
  test.each([
    ["256 ASCII bytes", segment("a", 256)],
    ["128 × é (256 bytes)", segment("é", 128)],
    ["86 × € (258 bytes)", segment("€", 86)],
    ["64 × 😀 (256 bytes)", segment("😀", 64)],
  ])("a name of %s is refused", (_case, name) => {
    expect(() => keySegments(`v/${name}`)).toThrow("a name longer than 255 bytes");
  });
  test("a key of 1,024 bytes is accepted, 1,025 refused (ASCII and €)", () => {
    const ascii = `${segment("a", 255)}/${segment("b", 255)}/${segment("c", 255)}/${segment("d", 254)}/`;
    expect(Buffer.byteLength(`${ascii}x`)).toBe(1024);
    expect(keySegments(`${ascii}x`)).toHaveLength(5);
    expect(() => keySegments(`${ascii}xy`)).toThrow("longer than 1024 bytes");
    const euro = `${segment("€", 85)}/${segment("€", 85)}/${segment("€", 85)}/${segment("€", 84)}/`;
    expect(Buffer.byteLength(`${euro}abc`)).toBe(1024);
    expect(keySegments(`${euro}abc`)).toHaveLength(5);
    expect(() => keySegments(`${euro}abcd`)).toThrow("longer than 1024 bytes");
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
