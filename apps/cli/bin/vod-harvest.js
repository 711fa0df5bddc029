#!/usr/bin/env -S node --max-semi-space-size=2
// Entry for an installed `vod-harvest`: the built JavaScript in dist/ (`pnpm build`). Relative destinations are
// resolved against the directory the command is run from.
// The first line's Node option (pnpm's and npm's shims pass it too; V8 reads it only at start, so it cannot be set
// here): a young generation of 2 MiB semi-spaces, not V8's 16. A copy allocates fast and keeps little, and V8 grew
// its young generation to the full 32 MiB, a fresh page to fault in per 4 KiB (~11 us each on a virtual machine):
// 4,005 x 64 KiB from nginx, 6 alternated rounds: 21,500 -> 16,000 page faults, 1.31 -> 1.14 s; 100 kB segments
// 2.32 -> 2.07 s; 16 KiB segments and planning 100,000 segments no slower.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`error: vod-harvest needs Node.js 22.19 or later; this is ${process.version}\n`);
  process.exit(2);
}
// A copy runs seconds, not hours: V8's top compiler waits for functions run 20,000 times rather than its default, so
// it no longer spends a CPU on code that planning or start-up ran a few thousand times and will not run again
// (vod-harvest copy of 4,005 small segments from nginx, 5 alternated rounds: 1.23 -> 1.17 s; 16,005 unchanged).
(await import("node:v8")).setFlagsFromString("--invocation-count-for-turbofan=20000");
// V8's compiled code for our modules, kept between runs (in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1
// turns it off): each start then skips compiling what it ran before.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
let main;
try {
  main = await import("../dist/vod-harvest.mjs");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("vod-harvest.mjs"))
    throw error;
  process.stderr.write("error: vod-harvest is not built: run `pnpm build` in the repository first\n");
  process.exit(2);
}
await main.runAsProcess(process.cwd());
