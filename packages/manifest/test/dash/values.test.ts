import { describe, expect, test } from "vitest";
import { parseByteRange, parseDateTime, parseDuration, parseNumber } from "../../src/dash/values.js";

const malformed = expect.objectContaining({ name: "ManifestParseError", code: "MALFORMED_MANIFEST" });

describe("parseDuration", () => {
  test.each([
    ["PT0S", 0],
    ["PT1H2M3.5S", 3723.5],
    ["PT634.566S", 634.566],
    ["P1DT1S", 86401],
    ["P1W", 604800],
    ["PT0H0M6.00S", 6],
    ["-PT5S", -5],
  ])("%s is %d s", (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 9);
  });
  test.each(["P", "PT", "5S", "PTS", "P1S"])("refuses %s", (text) => {
    expect(() => parseDuration(text)).toThrow(malformed);
  });
});

describe("parseDateTime", () => {
  test.each([
    ["2024-01-01T00:00:00Z", Date.UTC(2024, 0, 1)],
    ["2024-01-01T00:00:00", Date.UTC(2024, 0, 1)],
    ["2024-01-01T01:00:00+01:00", Date.UTC(2024, 0, 1)],
    ["2016-10-14T17:00:17.5Z", Date.UTC(2016, 9, 14, 17, 0, 17, 500)],
  ])("%s", (text, millis) => {
    expect(parseDateTime(text)).toBe(millis);
  });
  test("refuses a placeholder", () => {
    expect(() => parseDateTime("some_time")).toThrow(malformed);
  });
});

describe("parseByteRange", () => {
  test.each([
    ["0-99", { offset: 0, length: 100 }],
    ["868-1023", { offset: 868, length: 156 }],
    [" 5 - 5 ", { offset: 5, length: 1 }],
    ["500-", undefined],
  ])("%s", (text, range) => {
    expect(parseByteRange(text)).toEqual(range);
  });
  test.each(["10-5", "a-b", "-5", "1-2-3"])("refuses %s", (text) => {
    expect(() => parseByteRange(text)).toThrow(malformed);
  });
});

describe("parseNumber", () => {
  test.each([
    ["90000", 90000],
    [" 1.5 ", 1.5],
  ])("%s", (text, value) => {
    expect(parseNumber(text, "x")).toBe(value);
  });
  test.each(["", "abc", "Infinity"])("refuses %j", (text) => {
    expect(() => parseNumber(text, "x")).toThrow(malformed);
  });
});
