// The page's script: hls.js, dash.js (with its Smooth Streaming handler) and the page code, bundled for the browser
// by `pnpm build` (dist/preview/page.js), never loaded from a CDN. Running from sources, the first use builds it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/cli, found from this module whether it runs from src/ or from a dist/ chunk. */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
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
 * The page script. The built command serves its own bundle; run from the TypeScript sources (`pnpm vod-harvest`),
 * the bundle is built now by scripts/build.mjs, so the page always matches the sources that serve it.
 */
export function pageScript(): Promise<string> {
  cached ??= (async () => {
    const root = packageRoot();
    const built = join(root, ...PAGE_BUNDLE);
    const fromSources = fileURLToPath(import.meta.url).startsWith(join(root, "src"));
    if (fromSources || !existsSync(built))
      execFileSync(process.execPath, [join(root, "scripts", "build.mjs")]);
    return readFile(built, "utf8");
  })();
  return cached;
}
