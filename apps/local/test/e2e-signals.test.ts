/**
 * startLocalStack({ stopOnSignals: true }) in a process of its own: SIGINT stops moto, the emulator and the API
 * server and removes the work directory, and the signal then ends the process as it would have without the stack.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { describe, expect, test } from "vitest";

const LOCAL_DIR = fileURLToPath(new URL("../", import.meta.url));
const SCRIPT = `
  import { startLocalStack } from "./src/stack/local-stack.ts";
  const stack = await startLocalStack({ stopOnSignals: true });
  console.log(JSON.stringify({ moto: stack.motoEndpoint, emulator: stack.emulatorEndpoint, sfn: stack.sfnEndpoint, workDir: stack.workDir }));
  setInterval(() => {}, 1000);
`;

async function refused(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe.skipIf(skipWithoutMoto("the local stack signal test"))("local stack: stop on SIGINT", () => {
  test("SIGINT stops every server the stack started and removes its work directory", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
      cwd: LOCAL_DIR,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_, signal) => resolve(signal)),
    );
    const line = await new Promise<string>((resolve) =>
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        if (chunk.includes("{")) resolve(chunk);
      }),
    );
    const started = JSON.parse(line) as { moto: string; emulator: string; sfn: string; workDir: string };
    expect(await refused(started.moto)).toBe(false);
    expect(existsSync(started.workDir)).toBe(true);

    child.kill("SIGINT");
    expect(await exited).toBe("SIGINT");
    for (const endpoint of [started.moto, started.emulator, started.sfn])
      expect(await refused(endpoint), endpoint).toBe(true);
    expect(existsSync(started.workDir)).toBe(false);
  }, 120_000);
});
