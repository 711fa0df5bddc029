import { createRequire } from "node:module";
import type { DirectorySyncMode } from "@vod-harvest/s3-sink";
import { Command, Option } from "commander";
import type { CopyArguments } from "./commands/copy.js";
import { registerPreview } from "./commands/preview-command.js";
import { registerStart } from "./commands/start-command.js";
import { registerVerify } from "./commands/verify-command.js";
import {
  describeHeaders,
  parseAllowHost,
  parseDestination,
  parseEntryUrlArgument,
  parseHeaders,
  parseIntegerOption,
  parsePositiveNumberOption,
} from "./options.js";
import type { ProgramContext } from "./program-context.js";

/**
 * Builds the commander program; actions store their exit code through `done`. The commands (and the engine, the
 * AWS SDK) are loaded only when one runs, so `--help` and usage errors answer at once.
 */

const collect = (value: string, previous: string[]) => [...previous, value];

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
/** `vod-harvest --version`: the command's version and the Node.js running it (support questions start there). */
const VERSION_LINE = `vod-harvest ${version} (node ${process.version})`;

const PROGRAM_EXAMPLES = `
Examples:
  $ vod-harvest plan https://cdn.example.com/out/v1/g/hls/asset/index.m3u8
  $ vod-harvest copy https://cdn.example.com/out/v1/g/hls/asset/index.m3u8 s3://my-bucket/vod/asset-1/hls
  $ vod-harvest copy https://origin.example.com/movie/manifest.mpd ./movie --json

Exit codes: 0 complete or skipped, 1 incomplete or failed, 2 bad usage or bad input, 130 interrupted.`;

const PLAN_EXAMPLES = `
Prints one JSON object per resource and line on stdout ({"url","key","kind"}), a summary on stderr.

Examples:
  $ vod-harvest plan https://cdn.example.com/out/v1/g/hls/asset/index.m3u8 > plan.jsonl
  $ vod-harvest plan https://cdn.example.com/asset/manifest.mpd -H "X-MediaPackage-CDNIdentifier: $CDN_SECRET"
  $ vod-harvest plan https://cdn.example.com/asset/index.m3u8 --allow-host keys.example.com`;

const COPY_EXAMPLES = `
<destination> is s3://bucket/prefix (standard AWS credential chain; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for an
S3-compatible store) or a local directory. An interrupted copy resumes when run again: the objects it wrote (its
checksum journal says which) are not fetched again; a completion record is written last, and a later run reports
SKIPPED.

Examples:
  $ vod-harvest copy https://cdn.example.com/asset/index.m3u8 s3://my-bucket/vod/asset-1/hls
  $ vod-harvest copy https://cdn.example.com/asset/manifest.mpd ./asset-1/dash --concurrency 8 --rate 50
  $ AWS_ENDPOINT_URL_S3=http://127.0.0.1:5000 vod-harvest copy https://cdn.example.com/asset/index.m3u8 \\
      s3://test-bucket/asset-1 --path-style --json
  $ vod-harvest copy https://cdn.example.com/asset/index.m3u8 ./out -H "Authorization: Bearer $TOKEN" --overwrite`;

const HEADER_HELP = 'request header "Name: value" sent to the origin, repeatable; the value is never printed';
const ALLOW_HOST_HELP =
  "also copy resources from this host (or host:port), stored under _external/<host>/; repeatable";

export function buildProgram({ io, signal, done }: ProgramContext): Command {
  const program = new Command("vod-harvest")
    .description(
      "Copy every file of an HLS, DASH or Smooth Streaming asset from its origin into S3 or a directory.",
    )
    .version(VERSION_LINE, "-V, --version", "print the version and exit")
    .option("--debug", "print stack traces of errors (also DEBUG=1); header values stay hidden")
    .addHelpText("after", PROGRAM_EXAMPLES)
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  const debugHeaders = (headers: Readonly<Record<string, string>>) => {
    if (io.debug) io.err(`debug: request headers: ${describeHeaders(headers)}\n`);
  };

  program
    .command("plan")
    .description("list every resource of an asset, with the key it would be stored under")
    .argument(
      "<url>",
      "entry manifest URL (multivariant HLS playlist, DASH MPD or Smooth Streaming Manifest)",
    )
    .option("-H, --header <header>", HEADER_HELP, collect, [])
    .option("--allow-host <host>", ALLOW_HOST_HELP, collect, [])
    .addHelpText("after", PLAN_EXAMPLES)
    .action(async (url: string, options: { header: string[]; allowHost: string[] }) => {
      const entryUrl = parseEntryUrlArgument(url);
      const headers = parseHeaders(options.header);
      const allowHosts = options.allowHost.map(parseAllowHost);
      debugHeaders(headers);
      const { runPlan } = await import("./commands/plan.js");
      done(await runPlan({ entryUrl, headers, allowHosts }, io, signal));
    });

  program
    .command("copy")
    .description("copy an asset into s3://bucket/prefix or a local directory")
    .argument("<url>", "entry manifest URL")
    .argument("<destination>", "s3://bucket/prefix or a directory (created if missing)")
    .option("--concurrency <n>", "parallel transfers, 1–1024 (default 32)")
    .option("--rate <n>", "most origin requests started per second (default unlimited)")
    .option(
      "--time-budget <seconds>",
      "stop cleanly after this long and report INCOMPLETE (run again to resume)",
    )
    .option("-H, --header <header>", HEADER_HELP, collect, [])
    .option("--allow-host <host>", ALLOW_HOST_HELP, collect, [])
    .option("--overwrite", "copy again even if a complete copy is already there", false)
    .option("--json", "print the result as one JSON line on stdout, and nothing else", false)
    .addOption(
      new Option("--path-style", "path-style S3 addressing (most S3-compatible stores)").default(false),
    )
    .addOption(
      new Option(
        "--sync <mode>",
        "directory destinations: fsync none (like cp), flush (before the completion record) or put (every file)",
      )
        .choices(["none", "flush", "put"])
        .default("none"),
    )
    .addHelpText("after", COPY_EXAMPLES)
    .action(async (url: string, destinationText: string, options: RawCopyOptions) => {
      const copyArguments = copyArgumentsOf(url, destinationText, options, io.cwd);
      debugHeaders(copyArguments.headers);
      const { runCopy } = await import("./commands/copy.js");
      done(await runCopy(copyArguments, io, signal));
    });

  registerStart(program, { io, signal, done });
  registerPreview(program, { io, signal, done });
  registerVerify(program, { io, signal, done });

  return program;
}

interface RawCopyOptions {
  concurrency?: string;
  rate?: string;
  timeBudget?: string;
  header: string[];
  allowHost: string[];
  overwrite: boolean;
  json: boolean;
  pathStyle: boolean;
  sync: DirectorySyncMode;
}

function copyArgumentsOf(
  url: string,
  destinationText: string,
  options: RawCopyOptions,
  cwd: string,
): CopyArguments {
  const entryUrl = parseEntryUrlArgument(url);
  const destination = parseDestination(destinationText, cwd);
  const headers = parseHeaders(options.header);
  const allowHosts = options.allowHost.map(parseAllowHost);
  return {
    entryUrl,
    destination,
    headers,
    allowHosts,
    ...(options.concurrency !== undefined
      ? {
          concurrency: parseIntegerOption(options.concurrency, {
            option: "--concurrency",
            min: 1,
            max: 1024,
          }),
        }
      : {}),
    ...(options.rate !== undefined
      ? { ratePerSecond: parsePositiveNumberOption(options.rate, "--rate", 100_000) }
      : {}),
    ...(options.timeBudget !== undefined
      ? { timeBudgetSeconds: parsePositiveNumberOption(options.timeBudget, "--time-budget", 7 * 24 * 3600) }
      : {}),
    overwrite: options.overwrite,
    json: options.json,
    pathStyle: options.pathStyle,
    sync: options.sync,
  };
}
