import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JobReport, JobSpec } from "./child.js";

/** tsx's loader, resolved from this package so children start the same way whatever the working directory. */
const TSX = import.meta.resolve("tsx");
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const ORIGIN_CLI = fileURLToPath(
  new URL("./cli.ts", import.meta.resolve("@vod-harvest/testing/test-origin")),
);

export interface RunningOrigin {
  /** Base URL ending with `/`. */
  readonly url: string;
  /** CPU seconds (user + kernel) the origin process has used so far; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux Node supports (USER_HZ). */
const USER_HZ = 100;

/**
 * CPU seconds from a /proc/<pid>/stat line: the process's own (user, kernel) and those of its children it waited
 * for (cutime, cstime).
 */
export function statCpuSeconds(stat: string) {
  // Fields after the command name (which may hold spaces, hence the last ")"): utime, stime, cutime, cstime are
  // the 12th to the 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const seconds = (index: number) => Number(fields[index]) / USER_HZ;
  return { user: seconds(11), system: seconds(12), childrenUser: seconds(13), childrenSystem: seconds(14) };
}

function processCpuSeconds(pid: number | undefined): number | undefined {
  try {
    const { user, system } = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return user + system;
  } catch {
    return undefined;
  }
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
        cpuSeconds: () => processCpuSeconds(child.pid),
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
