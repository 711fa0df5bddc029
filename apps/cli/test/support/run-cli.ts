import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** apps/cli: where `pnpm --filter @vod-harvest/cli exec` runs the command. */
const CLI_DIR = fileURLToPath(new URL("../../", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Called with the child once it is spawned (to send it a signal). */
  readonly onSpawn?: (child: ReturnType<typeof spawn>) => void;
  readonly timeoutMs?: number;
}

/** The environment of a run: ours without npm/pnpm script variables, so INIT_CWD is only there when a test sets it. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === "INIT_CWD" || name.startsWith("npm_") || name === "DEBUG" || name.startsWith("AWS_"))
      continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** The built command (test/support/build.ts builds it before the run). */
export const BUILT_CLI = fileURLToPath(new URL("../../dist/vod-harvest.mjs", import.meta.url));

/**
 * Spawns the real, built command (`node dist/vod-harvest.mjs …`) asynchronously: the test origin runs in this
 * process, so a synchronous spawn would deadlock it.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runProcess(process.execPath, [BUILT_CLI, ...args], {
    ...options,
    cwd: options.cwd ?? CLI_DIR,
  });
}

export function runProcess(command: string, args: readonly string[], options: RunOptions & { cwd: string }) {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 100_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** stdout's lines, without the final empty one. */
export function linesOf(text: string): string[] {
  return text.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
}
