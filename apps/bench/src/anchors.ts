/**
 * The wire's own speed as the anchor (issue 11): nginx serving the generated assets, and the same URL list
 * fetched by `curl --parallel`, beside `vod-harvest copy` run as a user runs it (the built command with the Node
 * options its first line gives, one whole process, start-up included) against the same nginx. Both timed as whole
 * processes: wall time, and the CPU the process used (its children's times, read by the shell that waited for it).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Asset } from "./assets.js";
import type { JobReport } from "./child.js";
import { statCpuSeconds } from "./processes.js";

const CLI_DIR = fileURLToPath(new URL("../../cli/", import.meta.url));
/** The installed command (`node_modules/.bin/vod-harvest` points here): the built code, started as users start it. */
const CLI_BIN = join(CLI_DIR, "bin", "vod-harvest.js");

/**
 * The Node options on the command's first line (`#!/usr/bin/env -S node --max-semi-space-size=2`): pnpm's and npm's
 * shims start it with them, and so does the kernel when the file is run itself. Started as `node <bin>` it would
 * run without them.
 */
function shebangNodeOptions(firstLine: string): string[] {
  const match = /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?node((?:\s+\S+)*)\s*$/.exec(firstLine);
  if (match === null) throw new Error(`not a Node.js command: ${JSON.stringify(firstLine)}`);
  return (match[1] ?? "").split(/\s+/).filter((option) => option !== "");
}

function onPath(name: string, extra: readonly string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...extra]) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** nginx and curl, when both are there (nginx is often in /usr/sbin, off a user's PATH). */
export function anchorTools(): { nginx: string; curl: string } | undefined {
  const nginx = onPath("nginx", ["/usr/sbin", "/usr/local/sbin"]);
  const curl = onPath("curl");
  return nginx && curl ? { nginx, curl } : undefined;
}

/** Builds the command (apps/cli dist/) so the copy is timed as users run it, not through a TypeScript loader. */
export function buildCli(): void {
  const built = spawnSync(process.execPath, [join(CLI_DIR, "scripts", "build.mjs")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error(`building apps/cli failed (exit ${built.status})`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Nginx {
  /** Base URL ending with `/`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** nginx on 127.0.0.1 with its own config in a temp dir, serving `root`; stopped by its PID. */
export async function startNginx(nginx: string, root: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), "vod-harvest-bench-nginx-"));
  const port = await freePort();
  const config = `worker_processes 1;
daemon off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")};
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`;
  await writeFile(join(dir, "nginx.conf"), config);
  const child = spawn(nginx, ["-c", join(dir, "nginx.conf"), "-p", dir], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}/`;
  // Ready when it answers (a 404 for the root is an answer).
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`nginx exited (${child.exitCode}); see ${join(dir, "error.log")}`);
    const answered = await fetch(url).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (attempt === 200) throw new Error("nginx did not answer within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `command` under sh and returns its wall time and the CPU it used (user, kernel) as the shell saw it. */
function timedProcess(command: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(" ");
  // After the command ends, the shell's own stat holds its waited-for children's times (cutime, cstime).
  const script = `${quoted} >/dev/null; status=$?; cat /proc/$$/stat; exit $status`;
  const started = performance.now();
  const child = spawn("sh", ["-c", script], { env, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  return new Promise<{ seconds: number; user: number; system: number }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${command[0]} exited with ${code}`));
      const { childrenUser, childrenSystem } = statCpuSeconds(stdout);
      resolve({ seconds, user: childrenUser, system: childrenSystem });
    });
  });
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

function report(
  asset: Asset,
  objects: number,
  status: string,
  timing: Awaited<ReturnType<typeof timedProcess>>,
) {
  const job: JobReport = {
    objects,
    bytes: asset.bytes,
    status,
    seconds: timing.seconds,
    cpuSeconds: timing.user + timing.system,
    systemSeconds: timing.system,
    peakRss: Number.NaN,
  };
  return job;
}

/** `curl --parallel` fetching every file of the asset from nginx into `destination`. */
export async function runCurl(
  curl: string,
  nginx: Nginx,
  asset: Asset,
  destination: string,
  concurrency: number,
): Promise<JobReport> {
  const list = join(tmpdir(), `vod-harvest-bench-curl-${process.pid}.txt`);
  const lines = asset.files.flatMap((file) => [
    `url = "${new URL(file.path, nginx.url).href}"`,
    `output = "${join(destination, file.key)}"`,
  ]);
  await writeFile(list, `${lines.join("\n")}\n`);
  try {
    const args = [curl, "-s", "--no-progress-meter", "--fail", "--create-dirs", "--parallel"];
    args.push("--parallel-max", String(concurrency));
    const timing = await timedProcess([...args, "--config", list]);
    const objects = await countFiles(destination);
    return report(asset, objects, objects === asset.files.length ? "COPIED" : "INCOMPLETE", timing);
  } finally {
    await rm(list, { force: true });
  }
}

/** The built `vod-harvest copy` from nginx into `destination`, as one process. */
export async function runCliCopy(
  nginx: Nginx,
  asset: Asset,
  destination: string,
  concurrency: number,
  stateDir: string,
): Promise<JobReport> {
  const entry = new URL(asset.entryPath, nginx.url).href;
  const command = [
    process.execPath,
    ...shebangNodeOptions(readFileSync(CLI_BIN, "utf8").split("\n", 1)[0] ?? ""),
    CLI_BIN,
    "copy",
    entry,
    destination,
    "--concurrency",
    String(concurrency),
  ];
  // Its own journal directory: the user's is not touched, and no journal of an earlier job is found.
  const timing = await timedProcess(command, { ...process.env, VOD_HARVEST_STATE_DIR: stateDir });
  // The completion record is one more file than the asset.
  const objects = (await countFiles(destination)) - 1;
  return report(asset, objects, objects === asset.files.length ? "COMPLETE" : "INCOMPLETE", timing);
}
