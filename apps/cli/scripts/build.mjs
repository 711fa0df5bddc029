// `pnpm build`: the `vod-harvest` command as plain JavaScript in dist/ (no TypeScript compiled at run time).
// ESM with code splitting: what only `copy … s3://` or `start` needs (the AWS SDK) sits in chunks loaded on demand,
// so `--help`, `plan` and a directory copy never load it. Plain .mjs so that building needs no TypeScript loader.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { readBuiltinsDirectly } from "./builtin-imports.mjs";
import { pageBuildOptions } from "./page-build.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

/** Bundled CommonJS dependencies (cli-progress, parts of the SDK) call require(): give ESM one. */
const REQUIRE_BANNER =
  'const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);';

/**
 * m3u8-parser imports `global/window`, a CommonJS module whose export is the global object. Bundled as CommonJS,
 * esbuild's interop copies every property of that object, which runs Node's lazy global getters (TextDecoder,
 * fetch and undici behind it): ~50 ms at every start. The same object as plain ESM is read without a copy.
 */
const globalObjectShim = {
  name: "global-object",
  setup(context) {
    context.onResolve({ filter: /^global\/window$/ }, () => ({
      path: "global/window",
      namespace: "global-object",
    }));
    context.onLoad({ filter: /.*/, namespace: "global-object" }, () => ({
      contents: "export default globalThis;",
      loader: "js",
    }));
  },
};

await rm(dist, { recursive: true, force: true });
const bundle = await build({
  entryPoints: { "vod-harvest": join(root, "src", "main.ts") },
  outdir: dist,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node22",
  format: "esm",
  mainFields: ["module", "main"],
  sourcemap: "linked",
  sourceRoot: "",
  banner: { js: REQUIRE_BANNER },
  // Loaded from node_modules at run time: playwright-core finds its own files next to its code; esbuild bundles
  // the preview page only when running from sources; @node-rs/crc32 loads a native binary (.node).
  external: ["playwright-core", "esbuild", "@node-rs/crc32"],
  plugins: [globalObjectShim],
  legalComments: "none",
  logLevel: "warning",
  write: false,
});
for (const file of bundle.outputFiles) {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, file.path.endsWith(".mjs") ? readBuiltinsDirectly(file.text) : file.contents);
}

// The preview page's script (vod-harvest preview): the players and the page code, for the browser.
await build({ ...pageBuildOptions(root), outdir: join(dist, "preview") });
