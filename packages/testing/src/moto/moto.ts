/**
 * Test helper (imported as `@vod-harvest/testing/moto`): starts moto's server on 127.0.0.1 so tests run the
 * real AWS SDK against a real HTTP S3. Never imported by library code.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface MotoServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Environment pointing the SDK (or a child process, or createS3ClientFromEnv's `env`) at this server. */
  readonly env: Readonly<Record<string, string>>;
  /** The server process, to pause it (SIGSTOP) in tests of an S3 that stops answering. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const PYTHON = process.env.PYTHON ?? "python3";
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

let availability: boolean | undefined;

/** Whether `python3 -m moto.server` can run here (moto with its server extras). Cached. */
export function motoAvailable(): boolean {
  availability ??=
    spawnSync(PYTHON, ["-c", "import moto.server, flask, flask_cors"], { stdio: "ignore", timeout: 30_000 })
      .status === 0;
  return availability;
}

/**
 * For `describe.skipIf(skipWithoutMoto("…"))`: true when moto is missing, after printing a loud line, so a run
 * without moto shows skipped tests and says why instead of silently passing.
 */
export function skipWithoutMoto(suite: string): boolean {
  if (motoAvailable()) return false;
  console.warn(
    `\n*** SKIPPED: moto not available (${PYTHON} -m moto.server failed to import); ${suite} not run ***\n`,
  );
  return true;
}

/**
 * moto's server, ending itself when its stdin closes: the pipe's other end is held by the process that started
 * it, so a test worker that dies in any way (SIGKILL, a crash, a timeout) takes its server with it instead of
 * leaving an orphan listening forever.
 */
const MOTO_WITH_WATCHDOG = `
import os, sys, threading
def watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.path.insert(0, sys.argv[1])
import moto_checksums
moto_checksums.install()
from moto.server import main
main(["-H", "127.0.0.1", "-p", "0"])
`;

/** Beside this file: checks checksums on arrival as S3 does (moto alone stores whatever it is sent). */
const CHECKSUM_PATCH_DIRECTORY = fileURLToPath(new URL(".", import.meta.url));

export async function startMoto(): Promise<MotoServer> {
  // Port 0: the server picks a free port and prints it, so there is no race between picking and binding.
  const child = spawn(PYTHON, ["-c", MOTO_WITH_WATCHDOG, CHECKSUM_PATCH_DIRECTORY], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  let endpoint: string;
  try {
    endpoint = await waitForEndpoint(child);
  } catch (error) {
    process.off("exit", killOnExit);
    await stopChild(child);
    throw error;
  }
  const region = "us-east-1";
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  return {
    pid: child.pid,
    endpoint,
    region,
    credentials,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async stop() {
      process.off("exit", killOnExit);
      await stopChild(child);
    },
  };
}

function waitForEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let output = "";
    let settled = false;
    const timer = setTimeout(
      () => finish(new Error(`moto did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)),
      STARTUP_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      if (settled) return;
      // Keep only the start-up output; afterwards the request log is read and dropped so the pipe never fills.
      if (output.length < 64 * 1024) output += chunk.toString("utf8");
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) finish(undefined, match[1]);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`moto exited (code ${code}) before starting:\n${output}`));
    function finish(error: Error | undefined, endpoint?: string) {
      settled = true;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", finish);
      if (error) reject(error);
      else resolvePromise(endpoint as string);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", finish);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once("exit", () => resolvePromise()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export { type AlteringProxy, startAlteringProxy } from "./altering-proxy.js";
