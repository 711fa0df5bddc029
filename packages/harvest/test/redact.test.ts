// One redaction for the command line and the Lambdas: a secret is hidden in every form text can carry it in.
import { describe, expect, test } from "vitest";
import { createRedactor, secretForms, stripUrlCredentials } from "../src/redact.js";

const SECRET = 'Bearer tok"en/é+&=x';
const redact = createRedactor([SECRET], "***");
const upperPercent = encodeURIComponent(SECRET);
const lowerPercent = upperPercent.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase());
const form = new URLSearchParams({ v: SECRET }).toString().slice(2);

describe("createRedactor hides a secret in every form", () => {
  test.each([
    ["as is", SECRET],
    ["JSON-escaped", JSON.stringify(SECRET).slice(1, -1)],
    ["percent-encoded, upper-case hex", upperPercent],
    ["percent-encoded, lower-case hex", lowerPercent],
    ["form-encoded (+ for spaces)", form],
    ["form-encoded, lower-case hex", form.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase())],
    ["encodeURI", encodeURI(SECRET)],
    ["base64", Buffer.from(SECRET).toString("base64")],
    ["base64url", Buffer.from(SECRET).toString("base64url")],
    ["XML-escaped", SECRET.replaceAll("&", "&amp;").replaceAll('"', "&quot;")],
  ])("%s", (_form, written) => {
    expect(redact(`before ${written} after`)).toBe("before *** after");
  });

  test("a short value (under 4 characters) is left alone, figures stay readable", () => {
    expect(createRedactor(["abc"], "***")("abc 123")).toBe("abc 123");
  });

  test("the forms are distinct and longest first", () => {
    const forms = secretForms(SECRET);
    expect(new Set(forms).size).toBe(forms.length);
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
  });
});

describe("stripUrlCredentials", () => {
  test.each([
    ["http://user:pa%20ss@host.example/a.m3u8", "http://***@host.example/a.m3u8"],
    ["error: https://u@h.example:8080/x: HTTP 404", "error: https://***@h.example:8080/x: HTTP 404"],
    ['{"url":"https://a:b@h/x"}', '{"url":"https://***@h/x"}'],
    ["no credentials: https://h.example/a@b.ts", "no credentials: https://h.example/a@b.ts"],
  ])("%s", (text, expected) => {
    expect(stripUrlCredentials(text)).toBe(expected);
  });
});
