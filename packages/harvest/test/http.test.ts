import { Readable } from "node:stream";
import { createOriginPolicy, UnsafeReferenceError } from "@vod-harvest/manifest";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { isForbiddenAddress, safeLookup } from "../src/dns.js";
import {
  InvalidHarvestOptionsError,
  ManifestEncodingError,
  OriginHttpError,
  TooManyRedirectsError,
} from "../src/errors.js";
import { createOriginClient, type OriginClient } from "../src/http.js";

const SEGMENT = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 251));
/** Memory as a sink offers it for small bodies. */
const MEMORY = { maxBytes: 64 * 1024, allocate: (size: number) => Buffer.alloc(size) };

let origin: TestOrigin;
let client: OriginClient;
const policy = () => createOriginPolicy(new URL(origin.url));

beforeEach(async () => {
  origin = await startTestOrigin({
    files: {
      "/a/index.m3u8": "#EXTM3U\n",
      "/a/big.m3u8": "#EXTM3U\n".padEnd(5000, "#"),
      "/a/bad.m3u8": Buffer.from([0x23, 0xff, 0xfe]),
      "/a/seg.ts": SEGMENT,
    },
    requireHeaders: { Authorization: "Bearer x" },
    redirects: {
      "/r/same": "/a/index.m3u8",
      "/r/metadata": "http://169.254.169.254/latest/meta-data/",
      "/r/foreign": "http://localhost:1/a/index.m3u8",
      "/r/loop": "/r/loop",
      "/r/seg": "/a/seg.ts",
    },
  });
});

afterEach(async () => {
  await origin.close();
});

describe.each(["h1", "undici"] as const)("origin client over %s", (transport) => {
  beforeEach(() => {
    client = createOriginClient({
      headers: { Authorization: "Bearer x" },
      retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 3 },
      maxManifestBytes: 1000,
      transport,
    });
  });
  afterEach(async () => {
    await client.close();
  });

  test("sends the headers, follows a redirect within the origin", async () => {
    expect(await client.getText(new URL(origin.urlOf("/r/same")), policy())).toBe("#EXTM3U\n");
    expect(origin.requests.map((request) => request.path)).toEqual(["/r/same", "/a/index.m3u8"]);
  });

  test.each([
    ["/r/metadata", "FORBIDDEN_ADDRESS"],
    ["/r/foreign", "FOREIGN_ORIGIN"],
  ])("refuses a redirect %s (%s) before sending anything there", async (path, code) => {
    const error = await client
      .getText(new URL(origin.urlOf(path)), policy())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeReferenceError);
    expect((error as UnsafeReferenceError).code).toBe(code);
  });

  test("gives up on a redirect loop", async () => {
    await expect(client.getText(new URL(origin.urlOf("/r/loop")), policy())).rejects.toThrow(
      TooManyRedirectsError,
    );
  });

  test("a manifest over the size limit is refused while reading", async () => {
    await expect(client.getText(new URL(origin.urlOf("/a/big.m3u8")), policy())).rejects.toMatchObject({
      name: "ManifestLimitError",
      code: "MANIFEST_TOO_LARGE",
    });
  });

  test("a manifest that is not UTF-8 is refused, not mangled: not a manifest, its Content-Type named", async () => {
    const error = await client.getText(new URL(origin.urlOf("/a/bad.m3u8")), policy()).catch((e) => e);
    expect(error).toBeInstanceOf(ManifestEncodingError);
    expect(error.message).toMatch(
      /bad\.m3u8: not a manifest \(Content-Type: application\/vnd\.apple\.mpegurl; the body is not UTF-8 text\)$/,
    );
  });

  test.each([
    [404, 1],
    [403, 1],
    [500, 3],
    [503, 3],
    [429, 3],
  ])("HTTP %i is tried %i time(s)", async (status, tries) => {
    origin.addFault("/a/index.m3u8", { kind: "status", status });
    const error = await client
      .getText(new URL(origin.urlOf("/a/index.m3u8")), policy())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OriginHttpError);
    expect((error as OriginHttpError).status).toBe(status);
    expect(origin.count("/a/index.m3u8")).toBe(tries);
  });

  test("open with memory: after a redirect, a small body whole in it (h1) or as a stream (undici)", async () => {
    const response = await client.open(new URL(origin.urlOf("/r/seg")), policy(), undefined, MEMORY);
    expect(response).toMatchObject({ url: origin.urlOf("/a/seg.ts"), contentLength: SEGMENT.length });
    const { body } = response;
    expect(Buffer.isBuffer(body)).toBe(transport === "h1");
    const bytes = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
    expect(bytes.equals(SEGMENT)).toBe(true);
  });

  test("open with memory: a body cut short is a retryable TruncatedBodyError (h1), not a network error", async () => {
    origin.addFault("/a/seg.ts", { kind: "truncate", afterBytes: 1000 });
    const opened = client.open(new URL(origin.urlOf("/a/seg.ts")), policy(), undefined, MEMORY);
    if (transport === "undici") {
      const { body } = await opened; // a stream: the cut shows when it is read
      await expect(body instanceof Readable ? body.toArray() : Promise.resolve()).rejects.toThrow();
      return;
    }
    await expect(opened).rejects.toMatchObject({
      name: "TruncatedBodyError",
      expected: SEGMENT.length,
      received: 1000,
      retryable: true,
    });
  });

  test("a header value HTTP cannot carry is refused when the client is made, naming the header only", () => {
    const make = () => createOriginClient({ headers: { "X-Token": "secret\r\nHost: elsewhere" }, transport });
    expect(make).toThrow(InvalidHarvestOptionsError);
    expect(make).toThrow(/X-Token/);
    expect(make).not.toThrow(/secret/);
  });

  test("errors never carry header values", async () => {
    origin.addFault("/a/index.m3u8", { kind: "status", status: 500 });
    const error = await client
      .getText(new URL(origin.urlOf("/a/index.m3u8")), policy())
      .catch((caught: unknown) => caught);
    expect(JSON.stringify(error) + String(error) + String((error as Error).stack)).not.toContain("Bearer x");
  });
});

describe("DNS answers are re-checked", () => {
  test.each([
    ["169.254.169.254", 4, true],
    ["169.254.0.1", 4, true],
    ["100.100.100.200", 4, true],
    ["::ffff:169.254.169.254", 6, true],
    ["fe80::1", 6, true],
    ["fd00:ec2::254", 6, true],
    ["127.0.0.1", 4, false],
    ["10.0.0.1", 4, false],
    ["::1", 6, false],
  ])("%s (IPv%i) forbidden: %s", (address, family, forbidden) => {
    expect(isForbiddenAddress(address, family)).toBe(forbidden);
  });

  test("safeLookup passes an allowed name through", async () => {
    const address = await new Promise<string>((resolve, reject) =>
      safeLookup("localhost", { family: 4 }, (error, result) =>
        error ? reject(error) : resolve(String(result)),
      ),
    );
    expect(address).toBe("127.0.0.1");
  });
});
