// `pnpm check:infra`: synthesizes the stack and applies src/check.ts's rules; exit 1 naming each problem.
import { Testing } from "cdktf";
import { checkInfra } from "../src/check.js";
import { VodHarvestStack } from "../src/stack.js";

const stack = new VodHarvestStack(Testing.app(), "vod-harvest");
const problems = checkInfra(JSON.parse(Testing.synth(stack)));
for (const problem of problems) process.stderr.write(`check:infra: ${problem}\n`);
process.stdout.write(problems.length === 0 ? "check:infra: no problem\n" : "");
process.exitCode = problems.length === 0 ? 0 : 1;
