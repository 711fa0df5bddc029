// esbuild options for the preview page's script (hls.js, dash.js and src/preview/page), shared by the build
// (scripts/build.mjs, into dist/preview/page.js) and by `vod-harvest preview` run from sources (in memory).
import { join } from "node:path";

/** @param {string} root apps/cli */
export function pageBuildOptions(root) {
  return {
    entryPoints: { page: join(root, "src", "preview", "page", "main.ts") },
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "chrome120",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  };
}
