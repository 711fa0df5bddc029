import { describe, expect, test } from "vitest";
import { createRedactor, headerSecretsInArgv } from "../src/redact.js";

describe("headerSecretsInArgv", () => {
  test.each([
    [["copy", "u", "d", "--header", "X-A: one1"], ["one1"]],
    [["copy", "u", "d", "--header=X-A: two2"], ["two2"]],
    [["copy", "u", "d", "-H", "X-A:three"], ["three"]],
    [["copy", "u", "d", "-HX-A: four"], ["four"]],
    // Without a colon the whole argument may be the secret.
    [["copy", "u", "d", "--header", "Bearer abcdef"], ["Bearer abcdef"]],
    [
      ["plan", "u", "--header", "A: x1x1", "--allow-host", "h", "-H", "B: y2y2"],
      ["x1x1", "y2y2"],
    ],
    // After `--` nothing is an option.
    [["plan", "--", "--header", "A: zzzz"], []],
    [["plan", "u", "--header"], []],
    [["plan", "u", "--headers", "A: not-an-option-of-ours"], []],
  ])("%j → %j", (argv, expected) => {
    expect(headerSecretsInArgv(argv)).toEqual(expected);
  });
});

describe("createRedactor", () => {
  const redact = createRedactor(['Bearer tok"en/é', "abcd", "abc"]);
  test.each([
    ['plain Bearer tok"en/é here', "plain *** here"],
    // JSON-escaped, as it would be inside an error message or a JSON line.
    [`{"h":${JSON.stringify('Bearer tok"en/é')}}`, '{"h":"***"}'],
    // Percent-encoded, as in a URL.
    [`https://x/?t=${encodeURIComponent('Bearer tok"en/é')}`, "https://x/?t=***"],
    ["abcdabcd", "******"],
    // Shorter than 4 characters: left alone rather than garbling figures.
    ["abc 123", "abc 123"],
  ])("%j → %j", (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
  test("no secrets: text unchanged", () => {
    expect(createRedactor([])("anything")).toBe("anything");
  });
});
