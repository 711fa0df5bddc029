import { describe, expect, test } from "vitest";
import { UsageError } from "../src/exit-codes.js";
import {
  describeHeaders,
  invocationDirectory,
  parseAllowHost,
  parseDestination,
  parseEntryUrlArgument,
  parseHeaderArgument,
  parseHeaders,
  parseIntegerOption,
  parsePositiveNumberOption,
} from "../src/options.js";

const SECRET = "s3cr3t-VALUE-7f2a";

describe("parseHeaderArgument", () => {
  test.each([
    ["X-Token: abc", { name: "X-Token", value: "abc" }],
    ["X-Token:abc", { name: "X-Token", value: "abc" }],
    ["  X-Token :  a b c  ", { name: "X-Token", value: "a b c" }],
    // Only the first colon separates: values such as URLs or times keep theirs.
    ["Referer: https://example.com:8443/x", { name: "Referer", value: "https://example.com:8443/x" }],
    ["Authorization: Bearer a.b.c", { name: "Authorization", value: "Bearer a.b.c" }],
    ["x-mediapackage-cdnidentifier: 1234-abcd", { name: "x-mediapackage-cdnidentifier", value: "1234-abcd" }],
    ["X-Tab: a\tb", { name: "X-Tab", value: "a\tb" }],
  ])("%j → %j", (argument, expected) => {
    expect(parseHeaderArgument(argument)).toEqual(expected);
  });

  test.each([
    [`Authorization ${SECRET}`, 'no ":" found'],
    [`: ${SECRET}`, "invalid header name"],
    [`X Token: ${SECRET}`, 'invalid header name "X Token"'],
    [`X-Token\u00e9: ${SECRET}`, "invalid header name"],
    ["X-Token:", "X-Token has an empty value"],
    ["X-Token:   ", "X-Token has an empty value"],
    [`X-Token: ${SECRET}\r\nX-Evil: 1`, "the value of X-Token contains a control character"],
    [`X-Token: ${SECRET}\u0000`, "control character"],
    [`Host: ${SECRET}`, "Host is managed by vod-harvest"],
    [`range: ${SECRET}`, "range is managed by vod-harvest"],
    [`Content-Length: ${SECRET}`, "Content-Length is managed"],
  ])("%j is refused (%s) without showing the value", (argument, message) => {
    let caught: unknown;
    try {
      parseHeaderArgument(argument);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).not.toContain(SECRET);
  });
});

describe("parseHeaders", () => {
  test("collects every header", () => {
    expect(parseHeaders(["A: 1", "B-2: two"])).toEqual({ A: "1", "B-2": "two" });
    expect(parseHeaders([])).toEqual({});
  });
  test.each([[["X-A: 1", "X-A: 2"]], [["X-A: 1", "x-a: 2"]]])("a name given twice is refused: %j", (args) => {
    expect(() => parseHeaders(args)).toThrow(/given more than once/);
  });
});

test.each([
  [{}, "(none)"],
  [{ Authorization: SECRET }, "Authorization: ***"],
  [{ A: SECRET, B: "x" }, "A: ***, B: ***"],
])("describeHeaders(%j) = %j", (headers, expected) => {
  expect(describeHeaders(headers)).toBe(expected);
});

describe("parseIntegerOption", () => {
  const bounds = { option: "--concurrency", min: 1, max: 1024 };
  test.each([
    ["1", 1],
    ["32", 32],
    [" 8 ", 8],
    ["1024", 1024],
  ])("%j → %d", (text, expected) => {
    expect(parseIntegerOption(text, bounds)).toBe(expected);
  });
  test.each(["0", "1025", "-1", "8.5", "0x10", "8k", "", "abc", "1e2", "99999999999999999999"])(
    "%j is refused",
    (text) => {
      expect(() => parseIntegerOption(text, bounds)).toThrow(
        new UsageError(`--concurrency must be an integer from 1 to 1024, got ${JSON.stringify(text)}`),
      );
    },
  );
});

describe("parsePositiveNumberOption", () => {
  test.each([
    ["20", 20],
    ["0.5", 0.5],
    [".5", 0.5],
    ["3.", 3],
    ["100000", 100000],
  ])("%j → %d", (text, expected) => {
    expect(parsePositiveNumberOption(text, "--rate", 100_000)).toBe(expected);
  });
  test.each(["0", "0.0", "-1", "100001", "1e3", "Infinity", "NaN", "", "2/s"])("%j is refused", (text) => {
    expect(() => parsePositiveNumberOption(text, "--rate", 100_000)).toThrow(
      /^--rate must be a number greater than 0/,
    );
  });
});

describe("parseAllowHost", () => {
  test.each([
    ["cdn.example.com", "cdn.example.com"],
    ["CDN.Example.COM", "cdn.example.com"],
    ["127.0.0.1:8080", "127.0.0.1:8080"],
    ["keys.example.com:443", "keys.example.com:443"],
    ["[::1]:8080", "[::1]:8080"],
  ])("%j → %j", (text, expected) => {
    expect(parseAllowHost(text)).toBe(expected);
  });
  test.each([
    "",
    "https://cdn.example.com",
    "cdn.example.com/path",
    "user@cdn.example.com",
    "cdn.example.com:99999",
    "a b",
  ])("%j is refused", (text) => {
    expect(() => parseAllowHost(text)).toThrow(/^--allow-host must be a host name or host:port/);
  });
});

describe("parseEntryUrlArgument", () => {
  test.each(["https://cdn.example.com/a/index.m3u8", "http://127.0.0.1:8080/x.mpd?token=1"])(
    "%j is kept",
    (text) => {
      expect(parseEntryUrlArgument(text)).toBe(text);
    },
  );
  test.each([
    ["index.m3u8", "not an absolute URL"],
    ["/abs/index.m3u8", "not an absolute URL"],
    ["ftp://example.com/index.m3u8", "only http and https"],
    ["file:///etc/passwd", "only http and https"],
  ])("%j is refused (%s) and named", (text, message) => {
    expect(() => parseEntryUrlArgument(text)).toThrow(message);
    expect(() => parseEntryUrlArgument(text)).toThrow(JSON.stringify(text));
  });
});

describe("parseDestination", () => {
  test.each([
    ["s3://bucket", { kind: "s3", bucket: "bucket", prefix: "" }],
    ["s3://bucket/", { kind: "s3", bucket: "bucket", prefix: "" }],
    ["s3://my-bucket/vod/asset-1/hls/", { kind: "s3", bucket: "my-bucket", prefix: "vod/asset-1/hls" }],
    ["S3://my-bucket/p", { kind: "s3", bucket: "my-bucket", prefix: "p" }],
    ["out", { kind: "directory", path: "/home/user/out" }],
    ["./a/../b", { kind: "directory", path: "/home/user/b" }],
    ["../elsewhere", { kind: "directory", path: "/home/elsewhere" }],
    ["/srv/copies/", { kind: "directory", path: "/srv/copies" }],
  ])("%j → %j", (text, expected) => {
    expect(parseDestination(text, "/home/user")).toEqual(expected);
  });
  test.each([
    ["", "empty"],
    ["s3://", "invalid bucket name"],
    ["s3://b/p", "invalid bucket name"],
    ["s3://bucket/a/../b", "invalid prefix"],
    ["https://example.com/bucket", "unsupported scheme"],
    ["gs://bucket/p", "unsupported scheme"],
  ])("%j is refused (%s)", (text, message) => {
    expect(() => parseDestination(text, "/home/user")).toThrow(UsageError);
    expect(() => parseDestination(text, "/home/user")).toThrow(message);
  });
});

describe("invocationDirectory", () => {
  test.each([
    // `pnpm vod-harvest` from /home/user/project: our script runs in apps/cli, INIT_CWD holds where the user was.
    [{ npm_lifecycle_event: "vod-harvest", INIT_CWD: "/home/user/project" }, "/home/user/project"],
    // Another npm script's INIT_CWD is not ours to trust.
    [{ npm_lifecycle_event: "test", INIT_CWD: "/elsewhere" }, "/repo/apps/cli"],
    [{ INIT_CWD: "/elsewhere" }, "/repo/apps/cli"],
    [{ npm_lifecycle_event: "vod-harvest", INIT_CWD: "relative/dir" }, "/repo/apps/cli"],
    [{ npm_lifecycle_event: "vod-harvest" }, "/repo/apps/cli"],
    [{}, "/repo/apps/cli"],
  ])("%j → %j", (env, expected) => {
    expect(invocationDirectory(env, "/repo/apps/cli")).toBe(expected);
  });
});
