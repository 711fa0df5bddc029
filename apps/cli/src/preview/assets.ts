// The page's script: hls.js, dash.js (with its Smooth Streaming handler) and the page code, bundled for the browser
// by `pnpm build` (dist/preview/page.js), never loaded from a CDN.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** apps/cli, found from this module whether it runs from src/ or from a dist/ chunk. */
function packageRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "@vod-harvest/cli")
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the @vod-harvest/cli package around the running code");
    dir = parent;
  }
}

const PAGE_BUNDLE = ["dist", "preview", "page.js"] as const;

let cached: Promise<string> | undefined;

/**
 * The page script. The built command serves its own bundle; run from the TypeScript sources (`pnpm vod-harvest`,
 * tests), it is bundled now, in memory, with the build's own options (scripts/page-build.mjs), so the page always
 * matches the sources that serve it and dist/ is never touched (a test may be running the built command).
 */
export function pageScript(): Promise<string> {
  cached ??= (async () => {
    const root = packageRoot();
    const fromSources = fileURLToPath(import.meta.url).startsWith(join(root, "src"));
    if (!fromSources) return readFile(join(root, ...PAGE_BUNDLE), "utf8");
    const { build } = await import("esbuild");
    const options = await import(pathToFileURL(join(root, "scripts", "page-build.mjs")).href);
    const result = await build({ ...options.pageBuildOptions(root), write: false, outdir: "/" });
    const script = (result.outputFiles ?? []).find((file) => file.path.endsWith(".js"));
    if (script === undefined) throw new Error("bundling the preview page produced no script");
    return script.text;
  })();
  return cached;
}
