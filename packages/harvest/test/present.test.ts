// Finding what is present: the listing plan (pure) and listPresent against a real directory sink, wrapped to record
// which listings and HEADs it asked for.
import { createDirectorySink, type ObjectSink } from "@vod-harvest/s3-sink";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { commonKeyDirectory, listPresent, planListing } from "../src/present.js";
import { tempDir } from "./support.js";

describe("commonKeyDirectory", () => {
  test.each([
    { keys: [], common: "" },
    { keys: ["index.m3u8"], common: "" },
    { keys: ["a/b/seg.ts"], common: "a/b/" },
    { keys: ["a/b/1.ts", "a/b/2.ts"], common: "a/b/" },
    { keys: ["a/b/1.ts", "a/c/1.ts"], common: "a/" },
    { keys: ["a/b/c/1.ts", "a/index.m3u8"], common: "a/" },
    { keys: ["index.m3u8", "v0/1.ts"], common: "" },
    // A shared start that is not a whole directory name is not a common directory.
    { keys: ["ab/1.ts", "a/1.ts"], common: "" },
    { keys: ["v10/1.ts", "v1/1.ts"], common: "" },
  ])("$keys → '$common'", ({ keys, common }) => {
    expect(commonKeyDirectory(keys)).toBe(common);
  });
});

describe("planListing", () => {
  test("MediaPackage shape: one listing per rendition directory, a HEAD for the entry beside them", () => {
    const asset = "out/v1/group/config/asset/";
    const keys = [`${asset}index.m3u8`];
    for (const rendition of ["v0", "v1", "v2"]) {
      keys.push(
        `${asset}${rendition}/index.m3u8`,
        `${asset}${rendition}/seg_1.ts`,
        `${asset}${rendition}/seg_2.ts`,
      );
    }
    expect(planListing(keys)).toEqual({
      prefixes: [`${asset}v0/`, `${asset}v1/`, `${asset}v2/`],
      heads: [`${asset}index.m3u8`],
    });
  });

  test("segments beyond the entry's directory (reached through ../) get their own listings", () => {
    const keys = ["cmaf/a/index.m3u8", "cmaf/a/v.m3u8", "segments/1.mp4", "segments/2.mp4"];
    expect(planListing(keys)).toEqual({ prefixes: ["cmaf/", "segments/"], heads: [] });
  });

  const files = (count: number) => Array.from({ length: count }, (_, index) => `asset/seg_${index}.ts`);

  test("up to 16 files in one directory: a HEAD each", () => {
    expect(planListing(files(16))).toEqual({ prefixes: [], heads: files(16) });
  });

  test("17 files in one directory: one listing of it", () => {
    expect(planListing(files(17))).toEqual({ prefixes: ["asset/"], heads: [] });
  });

  test("a flat asset at the sink's root is listed from the root, once", () => {
    const keys = Array.from({ length: 40 }, (_, index) => `seg_${index}.ts`);
    expect(planListing(keys)).toEqual({ prefixes: [""], heads: [] });
  });
});

describe("listPresent", () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  /** The directory sink, recording the listings and HEADs asked of it; `failList` makes one listing fail. */
  function recordingSink(failList?: string) {
    const inner = createDirectorySink(dir.path);
    const asked: string[] = [];
    const sink: ObjectSink = {
      ...inner,
      list: (prefix, signal) => {
        asked.push(`list ${prefix}`);
        if (prefix === failList) throw new Error(`listing ${prefix} failed`);
        return inner.list(prefix, signal);
      },
      head: (key, signal) => {
        asked.push(`head ${key}`);
        return inner.head(key, signal);
      },
    };
    return { sink, inner, asked };
  }

  test("finds every planned key present with its size, and not the missing one", async () => {
    const { sink, inner, asked } = recordingSink();
    const stored: Record<string, string> = {
      "a/index.m3u8": "#EXTM3U\n",
      "a/v0/index.m3u8": "#EXTM3U\n#EXT-X-ENDLIST\n",
      "a/v0/seg_1.ts": "x".repeat(188),
      "a/v1/seg_1.ts": "y".repeat(376),
      "a/v1/extra.ts": "not planned",
    };
    for (const [key, body] of Object.entries(stored)) await inner.put(key, body);
    const planned = ["a/index.m3u8", "a/v0/index.m3u8", "a/v0/seg_1.ts", "a/v1/seg_1.ts", "a/v1/seg_2.ts"];

    const present = await listPresent(sink, planned);

    for (const key of planned.slice(0, 4)) {
      expect(present.get(key), key).toBe(Buffer.byteLength(stored[key] as string));
    }
    expect(present.has("a/v1/seg_2.ts")).toBe(false);
    expect(asked.sort()).toEqual(["head a/index.m3u8", "list a/v0/", "list a/v1/"]);
  });

  test("an empty sink: nothing present", async () => {
    const { sink } = recordingSink();
    expect((await listPresent(sink, ["a/index.m3u8", "a/v0/1.ts", "a/v1/1.ts"])).size).toBe(0);
  });

  test("a failed listing fails the whole search", async () => {
    const { sink } = recordingSink("a/v1/");
    await expect(listPresent(sink, ["a/index.m3u8", "a/v0/1.ts", "a/v1/1.ts"])).rejects.toThrow(
      "listing a/v1/ failed",
    );
  });
});
