/**
 * `pnpm build`: one esbuild bundle per Lambda (ESM, node22, the AWS SDK bundled in, minified, with a source
 * map), zipped to dist/<name>.zip as index.mjs (+ index.mjs.map) — the stack's handler is `index.handler`.
 * Zip entries have a fixed timestamp and mode, so the same sources give the same zip (and the same
 * source_code_hash: Terraform then sees no change).
 */
// yazl writes DOS timestamps in local time: pin the zone before any Date is made.
process.env.TZ = "UTC";

import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LAMBDA_NAMES, type LambdaName } from "@vod-harvest/workflow";
import { build } from "esbuild";
import { ZipFile } from "yazl";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));
const FILE_MODE = 0o100644;

/** Some bundled dependencies (the X-Ray SDK under the tracer) still call require(): give ESM one. */
const REQUIRE_BANNER =
  "import { createRequire as __vhCreateRequire } from 'node:module'; const require = __vhCreateRequire(import.meta.url);";

interface Bundled {
  readonly name: LambdaName;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

async function bundle(name: LambdaName): Promise<Bundled> {
  const result = await build({
    entryPoints: { index: join(root, "src", "entry", `${name}.ts`) },
    outdir: join(dist, name),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: "linked",
    // Paths in the map relative to the repository, not to this machine.
    sourceRoot: "",
    banner: { js: REQUIRE_BANNER },
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles)
    files.set(file.path.slice(join(dist, name).length + 1), file.contents);
  return { name, files };
}

function zip(files: ReadonlyMap<string, Uint8Array>): Promise<Buffer> {
  const archive = new ZipFile();
  for (const path of [...files.keys()].sort()) {
    archive.addBuffer(Buffer.from(files.get(path) as Uint8Array), path, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      forceDosTimestamp: true,
    });
  }
  archive.end();
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    archive.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on("error", reject);
    archive.outputStream.on("end", () => resolvePromise(Buffer.concat(chunks)));
  });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(11);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const name of LAMBDA_NAMES) {
  const { files } = await bundle(name);
  const archive = await zip(files);
  const path = join(dist, `${name}.zip`);
  await writeFile(path, archive);
  const code = files.get("index.mjs")?.byteLength ?? 0;
  const map = files.get("index.mjs.map")?.byteLength ?? 0;
  const sha = createHash("sha256").update(archive).digest("base64");
  console.log(
    `${`dist/${name}.zip`.padEnd(28)} code ${kib(code)}  map ${kib(map)}  zip ${kib(archive.byteLength)}  sha256 ${sha}`,
  );
}
