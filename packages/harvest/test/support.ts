import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  type MemoryFile,
  startTestOrigin,
  syntheticBytes,
  type TestOrigin,
} from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach } from "vitest";
import type { JournaledObject, ProgressStore, RecordedObject } from "../src/index.js";

/**
 * A small HLS asset under /vod/asset/: multivariant entry, two video renditions (one fMP4 with an init segment and
 * an AES key, one TS with byte ranges over one file), an audio rendition, WebVTT subtitles, an I-frame playlist.
 * Every file is served from memory; the expected copy is exactly this map (keys relative to /vod/asset/).
 */
export function hlsAsset(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const text = (key: string, body: string) => files.set(key, Buffer.from(body, "utf8"));
  const bytes = (key: string, size: number, seed: number) => files.set(key, syntheticBytes(seed, 0, size));
  text(
    "index.m3u8",
    "#EXTM3U\n#EXT-X-VERSION:7\n" +
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="en",DEFAULT=YES,URI="audio/en.m3u8"\n' +
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="en",URI="subs/en.m3u8"\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aac",SUBTITLES="subs"\nvideo/fmp4/index.m3u8\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=400000,AUDIO="aac",SUBTITLES="subs"\nvideo/ts/index.m3u8\n' +
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=50000,URI="video/ts/iframes.m3u8"\n',
  );
  text(
    "video/fmp4/index.m3u8",
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n" +
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="../../keys/k1.key",KEYFORMAT="identity"\n#EXT-X-MAP:URI="init.mp4"\n' +
      "#EXTINF:4,\nseg1.m4s\n#EXTINF:4,\nseg2.m4s\n#EXTINF:4,\nseg3.m4s\n#EXT-X-ENDLIST\n",
  );
  bytes("keys/k1.key", 16, 11);
  bytes("video/fmp4/init.mp4", 900, 12);
  bytes("video/fmp4/seg1.m4s", 70_000, 13);
  bytes("video/fmp4/seg2.m4s", 65_536, 14);
  bytes("video/fmp4/seg3.m4s", 1, 15);
  text(
    "video/ts/index.m3u8",
    "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:4\n" +
      "#EXT-X-BYTERANGE:40000@0\n#EXTINF:4,\nall.ts\n#EXT-X-BYTERANGE:40000\n#EXTINF:4,\nall.ts\n#EXT-X-ENDLIST\n",
  );
  bytes("video/ts/all.ts", 80_000, 16);
  text(
    "video/ts/iframes.m3u8",
    "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:4\n#EXT-X-I-FRAMES-ONLY\n" +
      "#EXT-X-BYTERANGE:1880@376\n#EXTINF:4,\nall.ts\n#EXT-X-ENDLIST\n",
  );
  text(
    "audio/en.m3u8",
    "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nen/a1.aac\n#EXTINF:4,\nen/a2.aac\n#EXT-X-ENDLIST\n",
  );
  bytes("audio/en/a1.aac", 3000, 17);
  bytes("audio/en/a2.aac", 3001, 18);
  text("subs/en.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nen1.vtt\n#EXT-X-ENDLIST\n");
  text("subs/en1.vtt", "WEBVTT\n\n00:00.000 --> 00:04.000\nhello\n");
  return files;
}

export const ASSET_PREFIX = "/vod/asset/";

/** The asset's files as the test origin's in-memory map (paths under ASSET_PREFIX). */
export function originFiles(
  asset: ReadonlyMap<string, Buffer>,
  prefix = ASSET_PREFIX,
): Map<string, MemoryFile> {
  return new Map([...asset].map(([key, body]) => [prefix + key, body]));
}

/** Every file under `dir` by `/`-separated relative path. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(dir, path).split("\\").join("/"), await readFile(path));
    }
  };
  await walk(dir);
  return out;
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "vod-harvest-engine-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** An in-memory ProgressStore: every save kept as a batch, load merges them (a later batch wins). */
export function memoryStore(initial: RecordedObject[] = []) {
  const saves: RecordedObject[][] = initial.length > 0 ? [initial] : [];
  let loads = 0;
  const store: ProgressStore = {
    load: async () => {
      loads++;
      const merged = new Map<string, JournaledObject>();
      for (const batch of saves)
        for (const { key, size, checksum } of batch) merged.set(key, { size, checksum });
      return merged;
    },
    save: async (entries) => {
      saves.push([...entries]);
    },
  };
  return { store, saves, loads: () => loads };
}

/** For a describe block: a test origin serving hlsAsset() and an empty temp dir, fresh for each test. */
export function originAndDirPerTest(): {
  origin: TestOrigin;
  dir: { path: string; remove: () => Promise<void> };
} {
  const context = {} as ReturnType<typeof originAndDirPerTest>;
  beforeEach(async () => {
    context.origin = await startTestOrigin({ files: originFiles(hlsAsset()) });
    context.dir = await tempDir();
  });
  afterEach(async () => {
    await context.origin.close();
    await context.dir.remove();
  });
  return context;
}
