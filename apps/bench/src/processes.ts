import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { JobReport, JobSpec } from "./child.js";

/** tsx's loader, resolved from this package so children start the same way whatever the working directory. */
const TSX = import.meta.resolve("tsx");
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const ORIGIN_CLI = fileURLToPath(
  new URL("./cli.ts", import.meta.resolve("@vod-harvest/harvest/test-origin")),
);

export interface RunningOrigin {
  /** Base URL ending with `/`. */
  readonly url: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** The project's test origin serving `root`, in its own process so its CPU is not charged to the copy. */
export function startOrigin(root: string): Promise<RunningOrigin> {
  const child = spawn(process.execPath, ["--import", TSX, ORIGIN_CLI, "--root", root], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onExit = (code: number | null) => reject(new Error(`test origin exited (${code}) before its URL`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const newline = output.indexOf("\n");
      if (newline === -1) return;
      child.off("exit", onExit);
      child.stdout.removeAllListeners("data").resume();
      resolve({
        url: output.slice(0, newline).trim(),
        stop: async () => {
          const done = exited(child);
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await done;
          clearTimeout(timer);
        },
      });
    });
  });
}

/** Runs one job in a fresh process; with `cpuProfileDir` the job writes a V8 CPU profile there. */
export function runJob(
  spec: JobSpec,
  env: Readonly<Record<string, string>>,
  cpuProfileDir?: string,
): Promise<JobReport> {
  const profiling = cpuProfileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir];
  const args = [...profiling, "--import", TSX, CHILD, JSON.stringify(spec)];
  const child = spawn(process.execPath, args, {
    // NODE_NO_WARNINGS: the SDK's Node-version notice would bury the progress lines.
    env: { ...process.env, NODE_NO_WARNINGS: "1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || last === "") reject(new Error(`${spec.mode} job exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(last) as JobReport);
    });
  });
}
