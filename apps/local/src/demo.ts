/**
 * `pnpm demo`: the whole workflow on this machine in a few minutes, no AWS account. Checks (and installs) the
 * tools, starts the local stack, creates a packaging group with four configurations and CDN authorization,
 * generates and uploads a source, starts an execution through the Step Functions API with `vod-harvest start`
 * (the real SDK client, as against AWS), shows progress and every SNS notification as it arrives, and ends with
 * a table, then `vod-harvest verify` of each copy (S3's CRC32C of every object against its record; exit 1 if one
 * is not INTACT). `--keep` keeps the stack up afterwards with `vod-harvest preview` serving a page that plays each copy;
 * `--check-playback` plays the four copies in headless Chromium and prints a PLAYED or FAILED line for each (exit 1
 * on a failure). Ctrl-C, `pnpm demo --stop` or the end of the process that started it stops everything.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { motoAvailable } from "@vod-harvest/testing/moto";
import { parseAssetCount, runCatalogDemo } from "./demo-catalog.js";
import { ffmpegAvailable } from "./ffmpeg/run.js";
import { alive, launcherAncestors, watchProcesses } from "./parent-watch.js";
import { type DemoResult, formatNotification, resultTable } from "./stack/demo-report.js";
import { type LocalStack, startLocalStack } from "./stack/local-stack.js";
import { createDemoPackagingGroup, createDemoSource, DESTINATION_PATH, demoInput } from "./stack/scenario.js";

const CLI_DIR = fileURLToPath(new URL("../../cli/", import.meta.url));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const say = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);

/** Installs Debian packages with apt (as root, or with sudo); false when that did not work. */
function aptInstall(packages: readonly string[]): boolean {
  const root = process.getuid?.() === 0;
  const prefix = root ? [] : ["sudo"];
  const apt = (args: string[]) => {
    const [command, ...rest] = [...prefix, "apt-get", ...args];
    return (
      spawnSync(command as string, rest, {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      }).status === 0
    );
  };
  return apt(["install", "-y", ...packages]) || (apt(["update"]) && apt(["install", "-y", ...packages]));
}

const runs = (command: string, args: readonly string[] = ["-version"]) =>
  spawnSync(command, args, { stdio: "ignore" }).status === 0;

/** ffmpeg through apt when it is missing; false when that did not work. */
function ensureFfmpeg(): boolean {
  if (ffmpegAvailable()) return true;
  say(
    "ffmpeg is not installed: installing it with `apt-get install -y ffmpeg` (needed to package and play video)",
  );
  aptInstall(["ffmpeg"]);
  // ffmpegAvailable caches its answer: ask the system again.
  return runs(process.env.FFMPEG ?? "ffmpeg") && runs(process.env.FFPROBE ?? "ffprobe");
}

/** Chromium through apt when --check-playback needs it and it is missing (VOD_HARVEST_CHROMIUM counts too). */
function ensureChromium(): boolean {
  if (process.env.VOD_HARVEST_CHROMIUM || runs("chromium", ["--version"])) return true;
  say("Chromium is not installed: installing it with `apt-get install -y chromium` (to play the copies)");
  aptInstall(["chromium"]);
  return runs("chromium", ["--version"]);
}

/** Starts `vod-harvest <args>` against the stack (its S3 is moto): stderr lines are shown as they come, tagged. */
function spawnCli(stack: LocalStack, args: readonly string[], tag: string) {
  say(`vod-harvest ${args.join(" ")}`);
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: CLI_DIR,
    env: { ...process.env, ...stack.env, AWS_ENDPOINT_URL_S3: stack.motoEndpoint },
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stderr }).on("line", (line) => say(`${tag}: ${line}`));
  return child;
}

/** Runs a `vod-harvest` command to its end: its stdout is returned (and shown as lines with `echo`). */
function runCli(
  stack: LocalStack,
  args: readonly string[],
  tag: string,
  echo = false,
): Promise<{ code: number | null; output: string }> {
  const child = spawnCli(stack, args, tag);
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
    if (echo) process.stdout.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

/** `vod-harvest preview` of the asset's copies in the local S3, kept running; resolves with the page's URL. */
function startPreview(stack: LocalStack, destination: string): Promise<{ url: string; stop: () => void }> {
  const child = spawnCli(stack, ["preview", destination, "--path-style"], "preview");
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => reject(new Error(`vod-harvest preview ended (exit ${code})`)));
    createInterface({ input: child.stdout }).once("line", (url) =>
      resolve({ url, stop: () => child.kill("SIGTERM") }),
    );
  });
}

/** With --assets: the catalogue's own notifications and every ERROR, not the per-endpoint ones. */
function isCatalogOrError(message: unknown): boolean {
  if (typeof message !== "object" || message === null) return true;
  const { Event, Type } = message as { Event?: unknown; Type?: unknown };
  return Type === "ERROR" || (typeof Event === "string" && Event.startsWith("Catalog"));
}

/** Where a running demo says who it is, for `pnpm demo --stop` (one per user and temp directory). */
const STATE_FILE = join(tmpdir(), `vod-harvest-demo-${process.getuid?.() ?? "user"}.json`);

/** `pnpm demo --stop`: asks the running demo to stop everything it started, and waits until it has. */
async function stopRunningDemo(): Promise<number> {
  const state = await readFile(STATE_FILE, "utf8").then(
    (text) => JSON.parse(text) as { pid: number },
    () => undefined,
  );
  if (state === undefined || !alive(state.pid)) {
    await rm(STATE_FILE, { force: true });
    say("no demo is running");
    return 0;
  }
  say(`stopping the demo (pid ${state.pid}) and everything it started`);
  process.kill(state.pid, "SIGTERM");
  for (let waited = 0; alive(state.pid); waited++) {
    if (waited === 600) {
      say(`pid ${state.pid} is still running after 60 s`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say("stopped");
  return 0;
}

async function main(): Promise<number> {
  if (process.argv.includes("--stop")) return stopRunningDemo();
  // The SDK warns that its 2027 releases need Node 22; true, but not news for someone watching the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const keep = process.argv.includes("--keep");
  const checkPlayback = process.argv.includes("--check-playback");
  const assets = parseAssetCount(process.argv);
  if (typeof assets === "string" || (assets !== undefined && checkPlayback)) {
    say(
      typeof assets === "string"
        ? assets
        : "--check-playback plays the single-asset demo: run it without --assets",
    );
    return 2;
  }
  if (!ensureFfmpeg()) {
    say("ffmpeg is still missing: install ffmpeg (with ffprobe) and run `pnpm demo` again");
    return 1;
  }
  if (checkPlayback && !ensureChromium()) {
    say(
      "Chromium is still missing: install it (or set VOD_HARVEST_CHROMIUM) and run `pnpm demo --check-playback` again",
    );
    return 1;
  }
  if (!motoAvailable()) {
    say(
      "moto is not available: `python3 -m moto.server` cannot run here (install it with `pip install 'moto[server]'`)",
    );
    return 1;
  }
  const scratch = await mkdtemp(join(tmpdir(), "vod-harvest-demo-"));
  let stack: LocalStack | undefined;
  let preview: { url: string; stop: () => void } | undefined;
  const stopAll = async () => {
    preview?.stop();
    await stack?.stop();
    await rm(scratch, { recursive: true, force: true });
    await rm(STATE_FILE, { force: true });
  };
  let interrupted = false;
  /** The first reason to stop stops everything and exits; later ones wait for it. */
  const stopOnce = (why: string, exitCode: number) => {
    if (interrupted) return;
    interrupted = true;
    say(`${why}: stopping everything the demo started`);
    void stopAll().finally(() => process.exit(exitCode));
  };
  // pnpm and tsx pass on (or add) SIGTERM after SIGINT.
  const onSignal = (signal: NodeJS.Signals) => stopOnce(signal, 130);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Killing `pnpm demo --keep &` by its PID ends pnpm only: stop too when a launcher above us is gone.
  watchProcesses(launcherAncestors(), (pid) =>
    stopOnce(`the process that started the demo (pid ${pid}) is gone`, 1),
  );
  await writeFile(STATE_FILE, `${JSON.stringify({ pid: process.pid, scratch })}\n`);

  try {
    say(
      "starting the local stack: moto (S3, SNS, SQS, Secrets Manager), MediaPackage VOD emulator, Step Functions API",
    );
    // A catalogue packages and harvests every asset: one line per endpoint and notification would bury the rest.
    const quiet = assets !== undefined;
    stack = await startLocalStack(quiet ? {} : { log: (line) => say(`mediapackage: ${line}`) });
    say(
      `moto ${stack.motoEndpoint}, MediaPackage ${stack.emulatorEndpoint}, Step Functions ${stack.sfnEndpoint}`,
    );
    stack.notifications.onNotification((notification) => {
      if (!quiet || isCatalogOrError(notification.message)) say(formatNotification(notification));
    });
    if (assets !== undefined) {
      const code = await runCatalogDemo(
        { stack, scratch, say, runCli: (args, tag) => runCli(stack as LocalStack, args, tag) },
        assets,
      );
      if (keep) {
        say(
          `the stack stays up (--keep):\n  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 aws stepfunctions list-executions --endpoint-url ${stack.sfnEndpoint} --state-machine-arn ${stack.catalogStateMachineArn}\nCtrl-C (or \`pnpm demo --stop\` from another shell) stops everything.`,
        );
        await new Promise(() => {});
      }
      return code;
    }

    await createDemoPackagingGroup(stack);
    say("packaging group pg-1 with CDN authorization; configurations hls, cmaf, dash, mss");
    const source = await createDemoSource(stack, join(scratch, "source"));
    say(
      `source generated and uploaded: ${source.sourceArn} (${source.generated.files.length} files, ${source.generated.seconds} s)`,
    );

    const input = demoInput({
      assetId: "asset-1",
      sourceArn: source.sourceArn,
      destinationBucket: stack.destinationBucket,
    });
    const inputFile = join(scratch, "input.json");
    await writeFile(inputFile, `${JSON.stringify(input, null, 2)}\n`);
    const run = await runCli(
      stack,
      [
        ["start", "--state-machine-arn", stack.stateMachineArn, "--endpoint-url", stack.sfnEndpoint],
        ["--input", `file://${inputFile}`, "--name", `demo-${Date.now()}`, "--follow"],
      ].flat(),
      "start",
    );
    // The last notification may still be on its way through SQS.
    await stack.notifications
      .waitFor((n) => typeof n.message === "object" && n.message.Event === "HarvestFinished", 3_000)
      .catch(() => {});

    const results = (JSON.parse(run.output || "{}") as { results?: DemoResult[] }).results ?? [];
    process.stdout.write(`\n${resultTable(results, stack.motoEndpoint)}\n\n`);
    say(`vod-harvest start exited ${run.code}; the harvest took ${elapsed().trim()}`);
    const copies = `s3://${stack.destinationBucket}/${DESTINATION_PATH}/asset-1`;
    // Each copy against its record: S3's CRC32C of every object compared with the record's, nothing downloaded.
    let intact = 0;
    for (const result of results.filter(({ status }) => status === "COMPLETE" || status === "SKIPPED")) {
      const verify = ["verify", `${copies}/${result.packagingConfigurationId}`, "--path-style"];
      const check = await runCli(stack, verify, "verify", true);
      if (check.code !== 0) intact = 1;
    }
    let playback = 0;
    if (checkPlayback) {
      const screenshot = join(tmpdir(), "vod-harvest-demo-preview.png");
      const checkArgs = ["preview", copies, "--path-style", "--check", "--screenshot", screenshot];
      const check = await runCli(stack, checkArgs, "preview", true);
      playback = check.code ?? 1;
      say(playback === 0 ? "every copy played in Chromium" : "a copy did not play (see the FAILED lines)");
    }
    if (keep) {
      preview = await startPreview(stack, copies);
      say(
        `the stack stays up (--keep). Watch the copies: ${preview.url}\nAlso try:\n  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 aws stepfunctions list-executions --endpoint-url ${stack.sfnEndpoint} --state-machine-arn ${stack.stateMachineArn}\nCtrl-C (or \`pnpm demo --stop\` from another shell) stops everything.`,
      );
      await new Promise(() => {});
    } else {
      say(
        "stopping the stack (`pnpm demo --keep` keeps it up with a page that plays each copy; `pnpm demo --check-playback` plays them in headless Chromium)",
      );
    }
    if (run.code !== 0 || intact !== 0) return 1;
    return playback === 0 ? 0 : 1;
  } finally {
    if (!keep) await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
