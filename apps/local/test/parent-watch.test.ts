// A process under launchers (sh → node) notices when a launcher is killed: what `pnpm demo --keep` relies on to
// stop its stack when the PID a user kills is pnpm's. Waits on the child's exit, not on a clock.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { launcherAncestors, watchProcesses } from "../src/parent-watch.js";

const PARENT_WATCH = fileURLToPath(new URL("../src/parent-watch.ts", import.meta.url));
const CHILD = `
  import { launcherAncestors, watchProcesses } from ${JSON.stringify(PARENT_WATCH)};
  const ancestors = launcherAncestors();
  console.log(JSON.stringify(ancestors));
  watchProcesses(ancestors, (pid) => { console.log("gone " + pid); process.exit(7); }, 100);
  setInterval(() => {}, 1000);
`;

describe.skipIf(process.platform !== "linux")("parent watch", () => {
  test("this test's own launcher chain is found (vitest runs under node)", () => {
    expect(launcherAncestors().length).toBeGreaterThan(0);
  });

  test("killing the launcher (sh) ends the watched process with the launcher named", async () => {
    // `; exit` keeps sh from exec'ing node, so sh stays between this test and the child, as pnpm does.
    const command = `${JSON.stringify(process.execPath)} --import tsx --input-type=module -e '${CHILD}'; exit 0`;
    const launcher = spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const chain = await new Promise<number[]>((resolve) =>
      launcher.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve(JSON.parse(line) as number[]);
      }),
    );
    expect(chain[0]).toBe(launcher.pid);
    const childExit = new Promise<string>((resolve) => launcher.stdout.on("end", () => resolve(out)));
    launcher.kill("SIGKILL");
    expect(await childExit).toContain(`gone ${launcher.pid}`);
  }, 60_000);

  test("watchProcesses stays quiet while every process is alive, and stops when told", async () => {
    let called = false;
    const stop = watchProcesses(
      [process.pid],
      () => {
        called = true;
      },
      10,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(called).toBe(false);
  });
});
