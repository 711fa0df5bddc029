// `pnpm synth`: writes cdktf.out/stacks/vod-harvest/cdk.tf.json (Terraform JSON) next to this package.
import { fileURLToPath } from "node:url";
import { App } from "cdktf";
import { VodHarvestStack } from "./stack.js";

export const STACK_NAME = "vod-harvest";
export const OUT_DIR = fileURLToPath(new URL("../cdktf.out", import.meta.url));

export function synth(): string {
  const app = new App({ outdir: OUT_DIR });
  new VodHarvestStack(app, STACK_NAME);
  app.synth();
  return `${OUT_DIR}/stacks/${STACK_NAME}/cdk.tf.json`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${synth()}\n`);
}
