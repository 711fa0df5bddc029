// `pnpm plan`: synthesize, then an offline terraform init/validate/plan; the readable plan goes to cdktf.out/plan.txt.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { synth } from "../src/main.js";
import { offlinePlan, terraformVersion } from "./terraform.js";

// Offline, the state stays local whatever the environment says: an S3 backend needs AWS to initialize.
if (process.env.VOD_HARVEST_STATE_BUCKET) {
  process.stderr.write(
    "note: this offline plan keeps its state locally; `pnpm synth` writes the S3 backend (VOD_HARVEST_STATE_BUCKET)\n",
  );
}
const stackFile = synth({ kind: "local" });
const stackDir = dirname(stackFile);
if (!terraformVersion()) {
  process.stderr.write(`\n*** SKIPPED: terraform not installed; synthesized only: ${stackFile} ***\n\n`);
  process.exitCode = 1;
} else {
  const result = offlinePlan(stackDir);
  for (const run of result.runs) {
    if (run.status !== 0)
      process.stderr.write(`terraform ${run.step} failed:\n${run.stdout}\n${run.stderr}\n`);
  }
  if (result.placeholders) {
    process.stderr.write(
      "\n*** apps/lambdas/dist/*.zip not built: this plan uses EMPTY PLACEHOLDER zips (review only; build the Lambdas before any apply) ***\n\n",
    );
  }
  if (result.ok && result.planText !== undefined) {
    const planFile = join(dirname(dirname(stackDir)), "plan.txt");
    writeFileSync(planFile, result.planText);
    const summary = result.planText.split("\n").find((line) => line.startsWith("Plan:"));
    process.stdout.write(`${summary ?? "plan written"}\n${planFile}\n`);
  } else {
    process.exitCode = 1;
  }
}
