// What `plan` refuses is what `copy` would refuse, found at plan time with the URL named: keys no destination can
// hold (backslash, NUL, names over 255 bytes, keys over 1,024 bytes) and redirects to an invalid Location.

import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createOriginClient, type OriginClient } from "../src/http.js";
import { planHarvest } from "../src/index.js";

let origin: TestOrigin;
let client: OriginClient;

beforeEach(async () => {
  origin = await startTestOrigin({ files: {} });
  client = createOriginClient({ retry: { baseDelayMs: 5, maxDelayMs: 40 } });
});
afterEach(async () => {
  await client.close();
  await origin.close();
});

const playlist = (segment: string) =>
  `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n${segment}\n#EXT-X-ENDLIST\n`;
const long = "x".repeat(252);

describe("planHarvest refuses keys no destination can hold", () => {
  test.each([
    ["a backslash (%5C)", "a%5Cb.ts", "a\\\\b.ts", /contains a backslash/],
    ["a name over 255 bytes", `${long}.tsx`, `${long}.tsx`, /a name longer than 255 bytes/],
    [
      "a key over 1,024 bytes",
      `${`${"d".repeat(200)}/`.repeat(6)}seg.ts`,
      "seg.ts",
      /longer than 1024 bytes/,
    ],
  ])("%s: UnstorableKeyError naming the URL", async (_case, reference, urlEnd, reason) => {
    origin.setFile("/vod/index.m3u8", playlist(reference));
    const error = await planHarvest({ entryUrl: origin.urlOf("/vod/index.m3u8") }, { client }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ name: "UnstorableKeyError", code: "UNSTORABLE_KEY" });
    expect(error.message).toMatch(new RegExp(`^${origin.url}vod/.*: invalid key `));
    expect(error.message).toMatch(reason);
    expect(error.url.endsWith(urlEnd.replaceAll("\\\\", "%5C"))).toBe(true);
  });
});

describe("redirects", () => {
  test("a Location that is no URL: BadRedirectError naming the URL and the Location (not a bare TypeError)", async () => {
    const redirecting = await startTestOrigin({
      files: {},
      redirects: { "/vod/index.m3u8": { location: "http://[bad", status: 302 } },
    });
    try {
      const entryUrl = redirecting.urlOf("/vod/index.m3u8");
      const error = await planHarvest({ entryUrl }, { client }).catch((e) => e);
      expect(error).toMatchObject({ name: "BadRedirectError", code: "BAD_REDIRECT" });
      expect(error.message).toBe(`${entryUrl}: HTTP 302 redirect to an invalid Location "http://[bad"`);
    } finally {
      await redirecting.close();
    }
  });
});
