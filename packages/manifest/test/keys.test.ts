import { describe, expect, test } from "vitest";
import { assignKeys, commonDirectory, decodeKey } from "../src/keys.js";
import { checkReference, createOriginPolicy, isForbiddenHost } from "../src/safety.js";
import type { ResourceKind } from "../src/types.js";

const entry = new URL("https://cdn.example.com/out/v1/group/config/asset/index.m3u8");
const policy = createOriginPolicy(entry, ["media.example.net"]);
const located = (...urls: string[]) =>
  urls.map((url) => ({ url: new URL(url), kind: "media" as ResourceKind }));

describe("commonDirectory", () => {
  test.each([
    [["/a/b/c.m3u8"], "/a/b/"],
    [["/a/b/c.m3u8", "/a/b/d/e.ts"], "/a/b/"],
    [["/a/b/c.m3u8", "/a/x.ts"], "/a/"],
    [["/a/bc/x.ts", "/a/bd/y.ts"], "/a/"],
    [["/index.m3u8", "/seg.ts"], "/"],
    [["/a/b/c.ts", "/a/b/d.ts", "/a/bc/e.ts"], "/a/"],
    [["/a/b/c/d.ts", "/a/b/x.ts", "/a/b/c/e.ts", "/a/b/c/f/g.ts"], "/a/b/"],
    [[], "/"],
  ])("%j → %s", (paths, root) => {
    expect(commonDirectory(paths)).toBe(root);
  });
});

describe("decodeKey", () => {
  test.each([
    ["seg%201.ts", "seg 1.ts"],
    ["a%2Fb.ts", "a/b.ts"],
    ["caf%C3%A9/x.ts", "café/x.ts"],
  ])("%s → %s", (encoded, key) => {
    expect(decodeKey(encoded, "https://h/x")).toBe(key);
  });
  test.each([
    ["..%2Fsecret", "KEY_ESCAPES_ROOT"],
    ["a/..%2F..%2Fetc%2Fpasswd", "KEY_ESCAPES_ROOT"],
    ["a/%2E%2E/b", "KEY_ESCAPES_ROOT"],
    ["a%00b.ts", "KEY_ESCAPES_ROOT"],
    ["%E0%A4%A", "INVALID_URL"],
    ["dir/", "INVALID_URL"],
  ])("%s is refused with %s", (encoded, code) => {
    expect(() => decodeKey(encoded, "https://h/x")).toThrow(expect.objectContaining({ code }));
  });
});

test("a %00 in a key is named as a NUL, shown escaped, not as a key escaping the root", () => {
  expect(() => decodeKey("a%00b.ts", "https://h/a%00b.ts")).toThrow(
    expect.objectContaining({
      message: 'refusing https://h/a%00b.ts: its key "a\\u0000b.ts" contains a NUL character (%00)',
    }),
  );
});

describe("isForbiddenHost", () => {
  test.each([
    ["169.254.169.254", true],
    ["169.254.1.1", true],
    ["100.100.100.200", true],
    ["[fe80::1]", true],
    ["[fd00:ec2::254]", true],
    ["[::ffff:a9fe:a9fe]", true],
    ["metadata.google.internal", true],
    ["metadata.google.internal.", true],
    ["127.0.0.1", false],
    ["cdn.example.com", false],
    ["[::1]", false],
    ["169.255.0.1", false],
    // Every IPv6 spelling that embeds a forbidden IPv4 address (issue: dialled, not refused).
    ["[::a9fe:a9fe]", true], // IPv4-compatible
    ["[::169.254.169.254]", true],
    ["[64:ff9b::a9fe:a9fe]", true], // NAT64 well-known prefix: 169.254.169.254 on a NAT64 network
    ["[64:ff9b::169.254.169.254]", true],
    ["[::ffff:0:a9fe:a9fe]", true], // IPv4-translated (SIIT)
    ["[::ffff:169.254.169.254]", true],
    ["[0:0:0:0:0:ffff:a9fe:a9fe]", true],
    ["[2002:a9fe:a9fe::1]", true], // 6to4 of 169.254.169.254
    ["[2001:0:4136:e378:8000:63bf:5601:5601]", true], // Teredo: client 169.254.169.254 (bits inverted)
    ["[2001:0:a9fe:a9fe::1]", true], // Teredo: server 169.254.169.254
    ["[::6464:64c8]", true], // IPv4-compatible 100.100.100.200
    ["[FE80::1%25eth0]", true],
    ["[febf::1]", true],
    ["[fec0::1]", false],
    ["[64:ff9b::7f00:1]", false], // NAT64 of 127.0.0.1: not link-local
    ["[2002:7f00:1::1]", false],
    ["[::]", false],
    ["[2001:db8::a9fe:a9fe]", false],
  ])("%s → %s", (host, forbidden) => {
    expect(isForbiddenHost(host)).toBe(forbidden);
  });
  test.each([
    "http://[::a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:a9fe:a9fe::]/",
    "http://169.254.169.254./",
    "http://0251.0376.0251.0376/",
    "http://METADATA.google.internal./",
  ])("%s is refused as the URL parser spells it", (href) => {
    expect(() => checkReference(new URL(href), policy)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN_ADDRESS" }),
    );
  });
  test("URL parsing canonicalises hex and integer IPv4 forms before the check", () => {
    for (const href of ["http://0xa9fea9fe/", "http://2852039166/", "http://169.254.43518/"]) {
      expect(() => checkReference(new URL(href), policy)).toThrow(
        expect.objectContaining({ code: "FORBIDDEN_ADDRESS" }),
      );
    }
  });
});

describe("checkReference", () => {
  test.each([
    ["https://cdn.example.com/other/x.ts", true],
    ["https://media.example.net/x.ts", false],
  ])("%s on origin: %s", (href, onOrigin) => {
    expect(checkReference(new URL(href), policy)).toBe(onOrigin);
  });
  test.each([
    ["http://cdn.example.com/x.ts", "FOREIGN_ORIGIN"], // another scheme is another origin
    ["https://cdn.example.com:8443/x.ts", "FOREIGN_ORIGIN"],
    ["https://evil.example.org/x.ts", "FOREIGN_ORIGIN"],
    ["ftp://cdn.example.com/x.ts", "UNSUPPORTED_SCHEME"],
    ["file:///etc/passwd", "UNSUPPORTED_SCHEME"],
    ["data:text/plain,hi", "UNSUPPORTED_SCHEME"],
    ["http://169.254.169.254/latest/meta-data/", "FORBIDDEN_ADDRESS"],
  ])("%s is refused with %s", (href, code) => {
    expect(() => checkReference(new URL(href), policy)).toThrow(expect.objectContaining({ code, url: href }));
  });
  test("a run of references on one host and the next one elsewhere: each judged as alone", () => {
    const fresh = createOriginPolicy(new URL("https://cdn.example.com/a/index.m3u8"), ["media.example.net"]);
    const verdicts = [
      "https://cdn.example.com/a/1.ts",
      "https://cdn.example.com/a/2.ts",
      "https://cdn.example.com.evil.org/a/3.ts", // the last host's href as its prefix, another host
      "https://cdn.example.com:8443/a/4.ts",
      "http://cdn.example.com/a/5.ts",
      "https://media.example.net/k.key",
      "https://media.example.net/k2.key",
      "https://user@cdn.example.com/a/6.ts",
      "https://cdn.example.com/a/7.ts",
      "http://169.254.169.254/a/8.ts",
    ].map((href) => {
      try {
        return checkReference(new URL(href), fresh);
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(verdicts).toEqual([
      true,
      true,
      "FOREIGN_ORIGIN",
      "FOREIGN_ORIGIN",
      "FOREIGN_ORIGIN",
      false,
      false,
      true,
      true,
      "FORBIDDEN_ADDRESS",
    ]);
  });
});

describe("assignKeys", () => {
  test("keys are relative to the common directory of on-origin resources; segments reached through ../", () => {
    const { root, resources } = assignKeys(
      located(
        "https://cdn.example.com/out/v1/group/config/asset/index.m3u8",
        "https://cdn.example.com/out/v1/group/config/seg%201.ts?token=abc",
        "https://media.example.net:8080/keys/k.key",
      ),
      createOriginPolicy(entry, ["media.example.net:8080"]),
    );
    expect(root).toBe("https://cdn.example.com/out/v1/group/config/");
    expect(resources.map((resource) => resource.key)).toEqual([
      "asset/index.m3u8",
      "seg 1.ts",
      "_external/media.example.net:8080/keys/k.key",
    ]);
    expect(resources[1]?.url).toBe("https://cdn.example.com/out/v1/group/config/seg%201.ts?token=abc");
  });
  test("two URLs differing only by query map to one key: refused, naming both", () => {
    const run = () =>
      assignKeys(located("https://cdn.example.com/a/s.ts?v=1", "https://cdn.example.com/a/s.ts?v=2"), policy);
    expect(run).toThrow(expect.objectContaining({ name: "KeyCollisionError", code: "KEY_COLLISION" }));
    expect(run).toThrow(/s\.ts\?v=1.*s\.ts\?v=2/);
  });
  test("an encoded slash that recreates another resource's key is a collision", () => {
    expect(() =>
      assignKeys(located("https://cdn.example.com/a/b/c.ts", "https://cdn.example.com/a/b%2Fc.ts"), policy),
    ).toThrow(expect.objectContaining({ code: "KEY_COLLISION" }));
  });
  test("an encoded ../ cannot escape the root", () => {
    expect(() =>
      assignKeys(
        located("https://cdn.example.com/a/index.m3u8", "https://cdn.example.com/a/..%2F..%2Fx.ts"),
        policy,
      ),
    ).toThrow(expect.objectContaining({ name: "UnsafeReferenceError", code: "KEY_ESCAPES_ROOT" }));
  });
});
