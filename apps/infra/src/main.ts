// `pnpm synth`: writes cdktf.out/stacks/vod-harvest/cdk.tf.json (Terraform JSON) next to this package, with the
// state backend the environment chooses (backend.ts: VOD_HARVEST_STATE_BUCKET for a shared S3 state).
import { fileURLToPath } from "node:url";
import { App } from "cdktf";
import { type StateBackend, stateBackendFromEnv } from "./backend.js";
import { VodHarvestStack } from "./stack.js";

export const STACK_NAME = "vod-harvest";
export const OUT_DIR = fileURLToPath(new URL("../cdktf.out", import.meta.url));

export function synth(backend: StateBackend = stateBackendFromEnv(process.env)): string {
  const app = new App({ outdir: OUT_DIR });
  new VodHarvestStack(app, STACK_NAME, { backend });
  app.synth();
  return `${OUT_DIR}/stacks/${STACK_NAME}/cdk.tf.json`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${synth()}\n`);
  } catch (error) {
    process.stderr.write(`synth: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
