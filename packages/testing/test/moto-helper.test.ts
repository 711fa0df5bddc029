// The moto test helper never leaves a server behind: a test process killed outright (SIGKILL: no exit handler
// runs) takes its moto server with it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { skipWithoutMoto } from "../src/moto/moto.js";

const HELPER = fileURLToPath(new URL("../src/moto/moto.ts", import.meta.url));
const SCRIPT = `
import { startMoto } from ${JSON.stringify(HELPER)};
const moto = await startMoto();
console.log(moto.pid);
setInterval(() => {}, 60_000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(skipWithoutMoto("the moto helper test"))("startMoto", () => {
  test("a test process killed with SIGKILL takes its moto server with it", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(child.stdout.setEncoding("utf8"), "data")) as [string];
    const motoPid = Number(line.trim());
    expect(Number.isSafeInteger(motoPid)).toBe(true);
    expect(alive(motoPid)).toBe(true);
    child.kill("SIGKILL");
    await once(child, "exit");
    // Gone once it has read the end of its stdin; a server that stays is caught by the test's time limit.
    while (alive(motoPid)) await sleep(50);
    expect(alive(motoPid)).toBe(false);
  });
});
