// `pnpm build`: dist/<name>.zip for every Lambda (see bundle-lib.ts).
// yazl writes DOS timestamps in local time: pin the zone before any Date is made.
process.env.TZ = "UTC";

import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CATALOG_LAMBDA_NAMES, LAMBDA_NAMES } from "@vod-harvest/workflow";
import { bundle, dist, NATIVE_MODULE, nativeModuleFiles, zip } from "./bundle-lib.js";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(11);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const nativeFiles = await nativeModuleFiles();
// The per-asset workflow's Lambdas, then the catalogue workflow's.
for (const name of [...LAMBDA_NAMES, ...CATALOG_LAMBDA_NAMES]) {
  const { files } = await bundle(name);
  const uses = new TextDecoder().decode(files.get("index.mjs")).includes(NATIVE_MODULE);
  const archive = await zip(uses ? new Map([...files, ...nativeFiles]) : files);
  const path = join(dist, `${name}.zip`);
  await writeFile(path, archive);
  const code = files.get("index.mjs")?.byteLength ?? 0;
  const map = files.get("index.mjs.map")?.byteLength ?? 0;
  const sha = createHash("sha256").update(archive).digest("base64");
  console.log(
    `${`dist/${name}.zip`.padEnd(28)} code ${kib(code)}  map ${kib(map)}  zip ${kib(archive.byteLength)}  sha256 ${sha}`,
  );
}
