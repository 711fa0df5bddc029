/**
 * The Lambda bundles (run by scripts/bundle.ts, `pnpm build`): one esbuild bundle per Lambda (ESM, node22, the AWS SDK bundled in, minified, with a source
 * map), zipped to dist/<name>.zip as index.mjs (+ index.mjs.map) — the stack's handler is `index.handler`.
 * Zip entries have a fixed timestamp and mode, so the same sources give the same zip (and the same
 * source_code_hash: Terraform then sees no change). The one native module, @node-rs/crc32 (the objects' CRC32C), is
 * not bundled: it goes in the zip's node_modules with its linux-arm64 binary (the Lambdas' architecture) and its
 * linux-x64 one (so the zip also loads on this machine, which the tests do).
 */
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CatalogLambdaName, LambdaName } from "@vod-harvest/workflow";
import { build } from "esbuild";
import { ZipFile } from "yazl";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const dist = join(root, "dist");
const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));
const FILE_MODE = 0o100644;

/** Some bundled dependencies (the X-Ray SDK under the tracer) still call require(): give ESM one. */
const REQUIRE_BANNER =
  "import { createRequire as __vhCreateRequire } from 'node:module'; const require = __vhCreateRequire(import.meta.url);";

/** Kept out of the bundle (a `.node` binary cannot be bundled) and shipped as packages in node_modules/. */
export const NATIVE_MODULE = "@node-rs/crc32";
const NATIVE_BINARIES = ["@node-rs/crc32-linux-arm64-gnu", "@node-rs/crc32-linux-x64-gnu"];

/** The native module's package and its platform binaries, as zip entries under node_modules/. */
export async function nativeModuleFiles(): Promise<Map<string, Uint8Array>> {
  const fromSink = createRequire(join(root, "..", "..", "packages", "s3-sink", "package.json"));
  const moduleDir = dirname(fromSink.resolve(`${NATIVE_MODULE}/package.json`));
  const fromModule = createRequire(join(moduleDir, "package.json"));
  const files = new Map<string, Uint8Array>();
  const packages = [
    [NATIVE_MODULE, moduleDir],
    ...NATIVE_BINARIES.map((name) => {
      try {
        return [name, dirname(fromModule.resolve(`${name}/package.json`))];
      } catch (cause) {
        throw new Error(
          `${name} is not installed: pnpm-workspace.yaml's supportedArchitectures must list linux, arm64, x64 and glibc`,
          { cause },
        );
      }
    }),
  ];
  for (const [name, dir] of packages as [string, string][]) {
    for (const file of (await readdir(dir)).sort()) {
      if (file === "package.json" || file.endsWith(".js") || file.endsWith(".node"))
        files.set(`node_modules/${name}/${file}`, await readFile(join(dir, file)));
    }
  }
  return files;
}

interface Bundled {
  readonly name: LambdaName | CatalogLambdaName;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export async function bundle(name: LambdaName | CatalogLambdaName): Promise<Bundled> {
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
    external: [NATIVE_MODULE],
    write: false,
    logLevel: "warning",
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles)
    files.set(file.path.slice(join(dist, name).length + 1), file.contents);
  return { name, files };
}

/** yazl writes DOS timestamps in local time: a reproducible zip needs TZ=UTC (bundle.ts sets it). */
export function zip(files: ReadonlyMap<string, Uint8Array>): Promise<Buffer> {
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
