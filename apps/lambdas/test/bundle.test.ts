// The harvest Lambda's bundle with its one native module (@node-rs/crc32) beside it, as the zip lays it out: it
// loads outside the workspace (nothing resolved from the repository's node_modules) and computes CRC32C natively.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { CATALOG_LAMBDA_NAMES, LAMBDA_NAMES } from "@vod-harvest/workflow";
import { afterAll, describe, expect, test } from "vitest";
import { bundle, NATIVE_MODULE, nativeModuleFiles } from "../scripts/bundle-lib.js";

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the harvest Lambda's zip", () => {
  test("holds the native CRC32C module for arm64 (the Lambdas') and x64, and loads with it alone", async () => {
    const files = new Map([...(await bundle("harvest")).files, ...(await nativeModuleFiles())]);
    expect([...files.keys()].filter((path) => path.endsWith(".node")).sort()).toEqual([
      "node_modules/@node-rs/crc32-linux-arm64-gnu/crc32.linux-arm64-gnu.node",
      "node_modules/@node-rs/crc32-linux-x64-gnu/crc32.linux-x64-gnu.node",
    ]);
    dir = await mkdtemp(join(tmpdir(), "vod-harvest-zip-"));
    for (const [path, contents] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), contents);
    }
    const handler = await import(pathToFileURL(join(dir, "index.mjs")).href);
    expect(typeof handler.handler).toBe("function");
    // The module the bundle imports, resolved from the unpacked zip as Lambda resolves it.
    const { crc32c } = (await import(
      pathToFileURL(join(dir, "node_modules", NATIVE_MODULE, "index.js")).href
    )) as {
      crc32c: (data: Uint8Array) => number;
    };
    const data = Buffer.from("vod-harvest");
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(crc32c(data) >>> 0);
    expect(bytes.toString("base64")).toBe(crc32cBase64(data));
  }, 120_000);
});

describe("every Lambda's zip", () => {
  // Loaded outside the workspace, with the native module beside it only when the bundle imports it (as bundle.ts
  // packs it): a module dropped by tree shaking that was needed would fail here, not in AWS.
  test.each([...LAMBDA_NAMES, ...CATALOG_LAMBDA_NAMES])(
    "%s loads and exports its handler",
    async (name) => {
      const { files } = await bundle(name);
      const code = new TextDecoder().decode(files.get("index.mjs"));
      const packed = code.includes(NATIVE_MODULE)
        ? new Map([...files, ...(await nativeModuleFiles())])
        : files;
      const unpacked = await mkdtemp(join(tmpdir(), `vod-harvest-${name}-`));
      try {
        for (const [path, contents] of packed) {
          await mkdir(dirname(join(unpacked, path)), { recursive: true });
          await writeFile(join(unpacked, path), contents);
        }
        const module = await import(pathToFileURL(join(unpacked, "index.mjs")).href);
        expect(typeof module.handler).toBe("function");
      } finally {
        await rm(unpacked, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
