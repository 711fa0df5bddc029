/**
 * Runs ffmpeg and ffprobe as child processes. Arguments are passed as an array (never through a shell), stderr is
 * kept to its last lines for the error message, and an AbortSignal kills the process.
 */
import { spawn, spawnSync } from "node:child_process";
import { FfmpegError, PackagingAbortedError } from "../errors.js";

const FFMPEG = process.env.FFMPEG ?? "ffmpeg";
const FFPROBE = process.env.FFPROBE ?? "ffprobe";
const STDERR_TAIL_CHARS = 2_000;

let availability: boolean | undefined;

/** Whether both ffmpeg and ffprobe run here. Cached. */
export function ffmpegAvailable(): boolean {
  availability ??=
    spawnSync(FFMPEG, ["-version"], { stdio: "ignore" }).status === 0 &&
    spawnSync(FFPROBE, ["-version"], { stdio: "ignore" }).status === 0;
  return availability;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/** Runs `ffmpeg -nostdin -hide_banner -v error <args>`; resolves when it exits 0. */
export async function runFfmpeg(args: readonly string[], options: RunOptions = {}): Promise<void> {
  await run(FFMPEG, ["-nostdin", "-hide_banner", "-v", "error", ...args], options);
}

/** Runs ffprobe with `-of json` and returns the parsed output. */
export async function runFfprobe(args: readonly string[], options: RunOptions = {}): Promise<unknown> {
  const stdout = await run(FFPROBE, ["-hide_banner", "-v", "error", "-of", "json", ...args], options);
  return JSON.parse(stdout) as unknown;
}

function run(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) {
      reject(new PackagingAbortedError(`${command} not started: aborted`));
      return;
    }
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    const onAbort = () => child.kill("SIGKILL");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener("abort", onAbort);
      const code = error.code === "ENOENT" ? "FFMPEG_MISSING" : "FFMPEG_FAILED";
      reject(new FfmpegError(code, `${command} could not be started`, "", { cause: error }));
    });
    child.once("close", (exitCode, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      if (options.signal?.aborted) reject(new PackagingAbortedError(`${command} killed: aborted`));
      else if (exitCode === 0) resolvePromise(Buffer.concat(stdout).toString("utf8"));
      else
        reject(
          new FfmpegError(
            "FFMPEG_FAILED",
            `${command} exited with ${exitCode ?? signal} (${args.join(" ")})`,
            stderr.trim(),
          ),
        );
    });
  });
}
