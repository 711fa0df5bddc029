/**
 * `vod-harvest start`: starts an execution of a deployed state machine (AWS, or the local stack through
 * --endpoint-url) with the same input the AWS CLI takes, and with --follow shows its progress and result.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ExitCode, type ExitCodeValue, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { formatDuration } from "../progress.js";
import { catalogProgress, catalogSummaryLines, summaryOf } from "./start-catalog.js";
import {
  type ExecutionProgress,
  HistoryReader,
  resultsOf,
  resultTable,
  succeeded,
} from "./start-progress.js";

export interface StartArguments {
  readonly stateMachineArn: string;
  /** The execution input, JSON text (already checked to parse). */
  readonly input: string;
  readonly endpointUrl?: string;
  readonly name?: string;
  readonly follow: boolean;
  /** A catalogue execution: followed as one progress bar over assets, ended with its summary. */
  readonly catalog?: boolean;
  /** Pause between two polls while following. */
  readonly pollMs: number;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** Step Functions errors that mean the request itself is wrong: exit 2, like any bad input. */
const BAD_REQUEST_ERRORS = new Set([
  "InvalidArn",
  "InvalidName",
  "InvalidExecutionInput",
  "StateMachineDoesNotExist",
  "StateMachineDeletingException",
  "ValidationException",
]);

export function parseStateMachineArn(text: string): { arn: string; region: string } {
  const match = STATE_MACHINE_ARN.exec(text);
  if (match === null) {
    throw new UsageError(
      `--state-machine-arn: not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>): ${JSON.stringify(text)}`,
    );
  }
  return { arn: text, region: match[1] as string };
}

/**
 * --input as the AWS CLI takes it: JSON text, or `file://path`; a plain path to an existing file is read too.
 * The result must be JSON.
 */
export async function readInputArgument(value: string, cwd: string): Promise<string> {
  const trimmed = value.trim();
  let inputText = value;
  let source = "--input";
  if (trimmed.startsWith("file://") || !/^[[{"]/.test(trimmed)) {
    const path = resolve(cwd, trimmed.replace(/^file:\/\//, ""));
    try {
      inputText = await readFile(path, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new UsageError(`--input: neither JSON nor a readable file: ${path} (${reason})`);
    }
    source = `--input file ${path}`;
  }
  try {
    JSON.parse(inputText);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return inputText;
}

/** --catalog takes a catalogue input (`catalogRequest`), and a catalogue input needs --catalog. */
export function checkInputKind(inputText: string, catalog: boolean): void {
  const input = JSON.parse(inputText) as unknown;
  const isCatalog = typeof input === "object" && input !== null && "catalogRequest" in input;
  if (catalog && !isCatalog) {
    throw new UsageError(
      "--catalog: the input has no catalogRequest (see DESIGN.md: { catalogRequest: { Source, DestinationBucket, … } })",
    );
  }
  if (!catalog && isCatalog) {
    throw new UsageError(
      "the input is a catalogRequest: start the catalogue state machine with --catalog (its ARN is the Terraform output catalog_state_machine_arn)",
    );
  }
}

export function parseEndpointUrl(text: string): string {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL: ${JSON.stringify(text)}`);
  }
  return text;
}

function clientFor(args: StartArguments): SFNClient {
  const { region } = parseStateMachineArn(args.stateMachineArn);
  // The state machine's own region unless the environment names one (as the AWS CLI would need it to).
  const envRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  return new SFNClient({
    region: envRegion || region,
    ...(args.endpointUrl ? { endpoint: args.endpointUrl } : {}),
  });
}

/** Events newer than lastSeenId, oldest first: read newest first and stop at the first one already seen. */
async function newEvents(
  client: SFNClient,
  executionArn: string,
  lastSeenId: number,
): Promise<HistoryEvent[]> {
  const collected: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 200, nextToken }),
    );
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= lastSeenId) return collected.reverse();
      collected.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return collected.reverse();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolvePromise();
    }
  });
}

/** What the follower shows after each poll of a per-asset execution: its new history events, as lines. */
function historyProgress(client: SFNClient, executionArn: string, io: CliIo): ExecutionProgress {
  const reader = new HistoryReader();
  let lastSeenId = 0;
  return {
    async poll() {
      for (const event of await newEvents(client, executionArn, lastSeenId)) {
        lastSeenId = Math.max(lastSeenId, event.id ?? 0);
        for (const line of reader.read(event)) io.err(`${line}\n`);
      }
    },
    stop() {},
  };
}

/** Describes the execution every pollMs, showing progress, until it ends (undefined when the signal came first). */
async function follow(
  client: SFNClient,
  executionArn: string,
  pollMs: number,
  progress: ExecutionProgress,
  signal: AbortSignal,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    while (!signal.aborted) {
      const description = await client.send(new DescribeExecutionCommand({ executionArn }));
      await progress.poll();
      if (description.status !== "RUNNING" && description.status !== "PENDING_REDRIVE") return description;
      await sleep(pollMs, signal);
    }
    return undefined;
  } finally {
    progress.stop();
  }
}

function took(description: DescribeExecutionCommandOutput): string {
  const started = description.startDate?.getTime();
  const stopped = description.stopDate?.getTime();
  return started !== undefined && stopped !== undefined
    ? ` in ${formatDuration((stopped - started) / 1000)}`
    : "";
}

/** A catalogue's end: its summary on stderr, the output on stdout; exit 0 only when every asset was harvested. */
function reportCatalog(description: DescribeExecutionCommandOutput, io: CliIo): ExitCodeValue {
  io.err(`${description.status ?? "UNKNOWN"}${took(description)}\n`);
  const summary = summaryOf(description.output);
  if (description.status === "SUCCEEDED" && summary !== undefined) {
    for (const line of catalogSummaryLines(summary)) io.err(`${line}\n`);
    io.out(`${description.output}\n`);
    return summary.failed === 0 ? ExitCode.Ok : ExitCode.Failed;
  }
  io.err(`error: ${description.error ?? "unknown"}: ${description.cause ?? "(no cause given)"}\n`);
  return ExitCode.Failed;
}

function report(description: DescribeExecutionCommandOutput, io: CliIo): ExitCodeValue {
  const results = resultsOf(description.output);
  io.err(`${description.status ?? "UNKNOWN"}${took(description)}\n`);
  if (description.status === "SUCCEEDED" && description.output !== undefined) {
    if (results !== undefined && results.length > 0) io.err(`${resultTable(results)}\n`);
    io.out(`${description.output}\n`);
  } else {
    io.err(`error: ${description.error ?? "unknown"}: ${description.cause ?? "(no cause given)"}\n`);
  }
  return succeeded(description.status, results) ? ExitCode.Ok : ExitCode.Failed;
}

export async function runStart(args: StartArguments, io: CliIo, signal: AbortSignal): Promise<ExitCodeValue> {
  const client = clientFor(args);
  try {
    let started: { executionArn?: string; startDate?: Date };
    try {
      started = await client.send(
        new StartExecutionCommand({
          stateMachineArn: args.stateMachineArn,
          input: args.input,
          name: args.name,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof Error && BAD_REQUEST_ERRORS.has(error.name)) {
        io.err(`error: ${error.name}: ${error.message}\n`);
        return ExitCode.BadInput;
      }
      throw error;
    }
    const executionArn = started.executionArn as string;
    if (!args.follow) {
      io.out(`${JSON.stringify({ executionArn, startDate: started.startDate?.toISOString() }, null, 4)}\n`);
      return ExitCode.Ok;
    }
    io.err(`started ${executionArn}\n`);
    const progress = args.catalog
      ? catalogProgress(client, executionArn, io)
      : historyProgress(client, executionArn, io);
    const description = await follow(client, executionArn, args.pollMs, progress, signal);
    if (description === undefined) {
      io.err(`stopped following; the execution goes on: ${executionArn}\n`);
      return ExitCode.Interrupted;
    }
    return args.catalog ? reportCatalog(description, io) : report(description, io);
  } finally {
    client.destroy();
  }
}
