// Origins that are not the project's own: Python's http.server (HTTP/1.0, one response per connection) and raw
// socket servers with the odd behaviours of real ones. Each copies COMPLETE and byte-identical in 20 runs of 20:
// a connection-level fault is a retryable network error of one object, never an uncaught exception.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOriginClient } from "../src/http.js";
import { COMPLETION_RECORD_KEY, harvest } from "../src/index.js";
import { type RawOriginMode, startRawOrigin } from "./raw-origin.js";
import { readTree, tempDir } from "./support.js";

const RUNS = Number(process.env.RUNS ?? 20);
const SEGMENTS = 24;
const fastRetries = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 };

/** A media playlist and 24 segments of ~256 KB: large enough for the client to push back while the server closes. */
function bigAsset(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n";
  for (let i = 0; i < SEGMENTS; i++) {
    playlist += `#EXTINF:4,\nseg-${i}.ts\n`;
    files.set(`seg-${i}.ts`, Buffer.alloc(256 * 1024 + i, i + 1));
  }
  files.set("index.m3u8", Buffer.from(`${playlist}#EXT-X-ENDLIST\n`));
  return files;
}

const asset = bigAsset();
let work: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work?.remove();
});

/** Copies the asset from `entryUrl` RUNS times into fresh directories; every run must be COMPLETE and identical. */
async function copyRepeatedly(
  name: string,
  entryUrl: () => Promise<{ url: string; done: () => Promise<void> }>,
) {
  const outcomes: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const origin = await entryUrl();
    const destination = join(work.path, name, String(run));
    const client = createOriginClient({ retry: fastRetries });
    try {
      const result = await harvest({ entryUrl: origin.url }, createDirectorySink(destination), { client });
      outcomes.push(result.status === "COMPLETE" ? "COMPLETE" : JSON.stringify(result.failed));
      const tree = await readTree(destination);
      tree.delete(COMPLETION_RECORD_KEY);
      // Buffer.equals per file: a deep equality over megabytes is slow.
      expect([...tree.keys()].sort(), `run ${run}`).toEqual([...asset.keys()].sort());
      const differing = [...asset].filter(([key, body]) => !tree.get(key)?.equals(body)).map(([key]) => key);
      expect(differing, `run ${run}`).toEqual([]);
    } finally {
      await client.close();
      await origin.done();
    }
  }
  expect(outcomes).toEqual(Array(RUNS).fill("COMPLETE"));
}

describe("python3 -m http.server", () => {
  let python: ChildProcess | undefined;
  let base = "";

  beforeAll(async () => {
    const root = join(work.path, "python-root");
    for (const [key, body] of asset) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), body);
    }
    const child = spawn(
      "python3",
      ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    python = child;
    base = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`python3 http.server exited with ${code}`)));
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const port = /port (\d+)/.exec(out)?.[1];
        if (port !== undefined) resolve(`http://127.0.0.1:${port}/`);
      });
    });
  }, 60_000);

  afterAll(() => {
    python?.kill();
  });

  test(`copies COMPLETE in ${RUNS} of ${RUNS} runs`, async () => {
    await copyRepeatedly("python", async () => ({ url: `${base}index.m3u8`, done: async () => {} }));
  }, 300_000);
});

describe.each<RawOriginMode>(["http10-close", "reset-mid-headers", "stray-after-204"])(
  "raw origin: %s",
  (mode) => {
    test(`copies COMPLETE in ${RUNS} of ${RUNS} runs`, async () => {
      await copyRepeatedly(mode, async () => {
        const origin = await startRawOrigin(
          new Map([...asset].map(([key, body]) => [`/${key}`, body])),
          mode,
        );
        return { url: `${origin.url}index.m3u8`, done: () => origin.close() };
      });
    }, 300_000);
  },
);
