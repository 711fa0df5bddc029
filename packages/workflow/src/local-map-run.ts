/**
 * Distributed Map for the local runner, step 2: the handler of a lowered Map (local-map-lower.ts) does what Step
 * Functions does for a Map Run — reads the items from S3 (JSON lines), runs each through ItemSelector and the
 * ItemProcessor as its own child execution (MaxConcurrency at once), fails the run with
 * `States.ExceedToleratedFailureThreshold` past the tolerated failures (stopping the children still running,
 * starting no more), and writes the results as Step Functions lays them out: `<Prefix>/<mapRunId>/manifest.json`
 * naming `SUCCEEDED_0.json`, `FAILED_0.json` and `PENDING_0.json`, JSON arrays of child executions with their
 * input and output as JSON text.
 */
import { randomUUID } from "node:crypto";
import type { DistributedMapState, PayloadTemplate, State } from "./asl.js";
import { runLocally } from "./local-execution.js";

/** The error a Map Run fails with past its tolerated failures (Step Functions' own name). */
export const EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";

export type MapRunStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
export type ChildStatus = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** DescribeMapRun's view of a run, as it changes. */
export interface MapRunSnapshot {
  readonly mapRunArn: string;
  readonly executionArn: string;
  /** What ListMapRuns names the run's state machine, and its children's: `…:stateMachine:<machine>/<state>`. */
  readonly stateMachineArn: string;
  readonly status: MapRunStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly toleratedFailureCount: number;
  readonly itemCounts: {
    readonly pending: number;
    readonly running: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly timedOut: number;
    readonly aborted: number;
    readonly total: number;
    readonly resultsWritten: number;
  };
}

export interface DistributedMapIo {
  readObject(bucket: string, key: string): Promise<string>;
  writeObject(bucket: string, key: string, body: string): Promise<void>;
  /**
   * A Task of the item processor (e.g. `states:startExecution.sync:2`), by its Resource, with the child's signal
   * (aborted when the Map Run fails or stops). A thrown error's `name` is what Retry/Catch match.
   */
  runTask(resource: string, input: unknown, signal: AbortSignal): Promise<unknown>;
  /** Every change of a Map Run: started, each child starting or ending, ended. */
  onMapRun?(snapshot: MapRunSnapshot): void;
  /** Every Retry inside the item processor waits this long instead (ms). */
  readonly retryIntervalMs?: number;
}

interface LoweredInput {
  readonly mapInput: unknown;
  readonly executionArn: string;
  readonly reader: { readonly Bucket?: unknown; readonly Key?: unknown };
  readonly writer: { readonly Bucket?: unknown; readonly Prefix?: unknown };
  readonly maxConcurrency?: unknown;
  readonly toleratedFailurePercentage?: unknown;
  readonly toleratedFailureCount?: unknown;
}

function mapRunError(message: string): Error {
  const error = new Error(message);
  error.name = "States.Runtime";
  return error;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw mapRunError(`${field} must be a non-empty string`);
  return value;
}

function bounded(value: unknown, field: string, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= max)) {
    throw mapRunError(`${field} must be a number from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function itemsOf(body: string, where: string): unknown[] {
  return body.split(/\r?\n/).flatMap((line, index) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw mapRunError(`${where} line ${index + 1} is not JSON`);
    }
  });
}

/** The ARNs of a Map Run of `executionArn` (`arn:aws:states:r:a:execution:<machine>:<name>`), as AWS forms them. */
function mapRunNames(
  executionArn: string,
  stateName: string,
): { mapRunArn: string; stateMachineArn: string; childPrefix: string } {
  const match = /^(arn:[^:]+:states:[^:]+:[^:]+):execution:([^:]+):(.+)$/.exec(executionArn);
  const [base, machine] = match ? [match[1], match[2]] : ["arn:aws:states:us-east-1:000000000000", "local"];
  const label = `${machine}/${stateName}`;
  return {
    mapRunArn: `${base}:mapRun:${label}:${randomUUID()}`,
    stateMachineArn: `${base}:stateMachine:${label}`,
    childPrefix: `${base}:execution:${label}:`,
  };
}

/** One child execution as Step Functions writes it in a result file. */
interface ChildRecord {
  ExecutionArn?: string;
  Name?: string;
  Input: string;
  InputDetails: { Included: true };
  Status: ChildStatus | "PENDING";
  StartDate?: string;
  StopDate?: string;
  StateMachineArn?: string;
  Output?: string;
  OutputDetails?: { Included: true };
  Error?: string;
  Cause?: string;
  RedriveCount: 0;
  RedriveStatus: "NOT_REDRIVABLE";
}

export interface DistributedMapHandlerOptions {
  readonly stateName: string;
  readonly map: DistributedMapState;
  readonly io: DistributedMapIo;
  /** StopExecution of the parent: no more children start, the running ones are stopped. */
  readonly signal?: AbortSignal;
}

/** The local handler of one lowered Distributed Map: a whole Map Run per call. */
export function createDistributedMapHandler(
  options: DistributedMapHandlerOptions,
): (input: unknown) => Promise<unknown> {
  return (input) => runMapRun(options, input as LoweredInput);
}

async function runMapRun(options: DistributedMapHandlerOptions, input: LoweredInput): Promise<unknown> {
  const { map, io, stateName } = options;
  const readerBucket = text(input.reader.Bucket, "ItemReader.Parameters.Bucket");
  const readerKey = text(input.reader.Key, "ItemReader.Parameters.Key");
  const writerBucket = text(input.writer.Bucket, "ResultWriter.Parameters.Bucket");
  const writerPrefix = typeof input.writer.Prefix === "string" ? input.writer.Prefix : "";
  const items = itemsOf(await io.readObject(readerBucket, readerKey), `s3://${readerBucket}/${readerKey}`);
  // 0 means no limit in Step Functions (up to 10,000 children at once).
  const maxConcurrency = bounded(input.maxConcurrency, "MaxConcurrency", 10_000, 0);
  const toleratedPercentage = bounded(input.toleratedFailurePercentage, "ToleratedFailurePercentage", 100, 0);
  const toleratedCount = bounded(input.toleratedFailureCount, "ToleratedFailureCount", 100_000_000, 0);
  const { mapRunArn, stateMachineArn, childPrefix } = mapRunNames(input.executionArn, stateName);
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(":") + 1);

  const records: (ChildRecord | undefined)[] = items.map(() => undefined);
  const counts = { pending: items.length, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0 };
  const startDate = new Date();
  let status: MapRunStatus = "RUNNING";
  let resultsWritten = 0;
  const report = () =>
    io.onMapRun?.({
      mapRunArn,
      executionArn: input.executionArn,
      stateMachineArn,
      status,
      startDate,
      ...(status === "RUNNING" ? {} : { stopDate: new Date() }),
      maxConcurrency,
      toleratedFailurePercentage: toleratedPercentage,
      toleratedFailureCount: toleratedCount,
      itemCounts: { ...counts, total: items.length, resultsWritten },
    });
  report();

  // Past the tolerance (or StopExecution of the parent): children still running are stopped, none start.
  const stopChildren = new AbortController();
  const stopOnParent = () => stopChildren.abort();
  options.signal?.addEventListener("abort", stopOnParent, { once: true });
  // Each tolerance given is a threshold of its own (either one exceeded fails the run); none given: no failure.
  const countGiven = input.toleratedFailureCount !== undefined;
  const percentageGiven = input.toleratedFailurePercentage !== undefined;
  const unhealthy = () => {
    const failed = counts.failed + counts.timedOut + counts.aborted;
    if (!countGiven && !percentageGiven) return failed > 0;
    return (
      (countGiven && failed > toleratedCount) ||
      (percentageGiven && (failed * 100) / items.length > toleratedPercentage)
    );
  };

  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopChildren.signal.aborted) {
      const index = next++;
      counts.pending -= 1;
      counts.running += 1;
      report();
      const child = {
        index,
        item: items[index],
        executionArn: `${childPrefix}${randomUUID()}`,
        stateMachineArn,
      };
      const record = await runChild(options, input.mapInput, child, stopChildren.signal);
      records[index] = record;
      counts.running -= 1;
      if (record.Status === "SUCCEEDED") counts.succeeded += 1;
      else if (record.Status === "TIMED_OUT") counts.timedOut += 1;
      else if (record.Status === "ABORTED") counts.aborted += 1;
      else counts.failed += 1;
      if (unhealthy()) stopChildren.abort();
      report();
    }
  };
  const width =
    maxConcurrency === 0 ? Math.min(items.length, 10_000) : Math.min(items.length, maxConcurrency);
  await Promise.all(Array.from({ length: Math.max(width, 1) }, worker));
  options.signal?.removeEventListener("abort", stopOnParent);

  const pendingInputs = items.flatMap((item, index) =>
    records[index] === undefined ? [pendingRecord(map, input.mapInput, item, index)] : [],
  );
  const done = records.filter((record): record is ChildRecord => record !== undefined);
  const files = {
    SUCCEEDED: done.filter((record) => record.Status === "SUCCEEDED"),
    FAILED: done.filter((record) => record.Status !== "SUCCEEDED"),
    PENDING: await Promise.all(pendingInputs),
  };
  const base = writerPrefix === "" ? runId : `${writerPrefix.replace(/\/$/, "")}/${runId}`;
  const resultFiles: Record<string, { Key: string; Size: number }[]> = {};
  for (const [category, list] of Object.entries(files)) {
    resultFiles[category] = [];
    if (list.length === 0) continue;
    const key = `${base}/${category}_0.json`;
    const body = JSON.stringify(list);
    await io.writeObject(writerBucket, key, body);
    resultFiles[category]?.push({ Key: key, Size: Buffer.byteLength(body) });
    resultsWritten += list.length;
  }
  const manifestKey = `${base}/manifest.json`;
  const manifest = { DestinationBucket: writerBucket, MapRunArn: mapRunArn, ResultFiles: resultFiles };
  await io.writeObject(writerBucket, manifestKey, JSON.stringify(manifest));

  const parentStopped = options.signal?.aborted === true;
  status = parentStopped ? "ABORTED" : unhealthy() ? "FAILED" : "SUCCEEDED";
  report();
  if (status === "FAILED") {
    const error = new Error(
      `The Map Run ${mapRunArn} failed: ${counts.failed + counts.timedOut + counts.aborted} of ${items.length} items failed, more than tolerated`,
    );
    error.name = EXCEED_TOLERATED_FAILURE_THRESHOLD;
    throw error;
  }
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: writerBucket, Key: manifestKey } };
}

/** ItemSelector applied to one item ($ is the Map's input, $$.Map.Item the item), as its child's input. */
async function selectedItem(map: DistributedMapState, mapInput: unknown, item: unknown, index: number) {
  if (map.ItemSelector === undefined) return item;
  const selector = { StartAt: "ItemSelector", States: { ItemSelector: selectorState(map.ItemSelector) } };
  const outcome = await runLocally(selector, mapInput, {
    taskHandlers: {},
    execution: { id: "item-selector", name: "item-selector" },
    mapItem: { index, value: item },
  });
  if (outcome.error !== undefined) throw mapRunError(`ItemSelector: ${outcome.error.cause}`);
  return outcome.output;
}

function selectorState(template: PayloadTemplate): State {
  return { Type: "Pass", Parameters: template, End: true };
}

async function pendingRecord(map: DistributedMapState, mapInput: unknown, item: unknown, index: number) {
  const selected = await selectedItem(map, mapInput, item, index);
  return {
    Input: JSON.stringify(selected),
    InputDetails: { Included: true },
    Status: "PENDING",
    RedriveCount: 0,
    RedriveStatus: "NOT_REDRIVABLE",
  } satisfies ChildRecord;
}

async function runChild(
  options: DistributedMapHandlerOptions,
  mapInput: unknown,
  child: {
    readonly index: number;
    readonly item: unknown;
    readonly executionArn: string;
    readonly stateMachineArn: string;
  },
  signal: AbortSignal,
): Promise<ChildRecord> {
  const { map, io } = options;
  const { index, item, executionArn } = child;
  const name = executionArn.slice(executionArn.lastIndexOf(":") + 1);
  const startDate = new Date().toISOString();
  const common = {
    ExecutionArn: executionArn,
    Name: name,
    StartDate: startDate,
    StateMachineArn: child.stateMachineArn,
    InputDetails: { Included: true as const },
    RedriveCount: 0 as const,
    RedriveStatus: "NOT_REDRIVABLE" as const,
  };
  let selected: unknown = item;
  try {
    selected = await selectedItem(map, mapInput, item, index);
  } catch (error) {
    return { ...common, Input: JSON.stringify(item), Status: "FAILED", ...errorFields(error) };
  }
  const taskHandlers = Object.fromEntries(
    Object.entries(map.ItemProcessor.States).flatMap(([stateName, state]) =>
      state.Type === "Task"
        ? [[stateName, (taskInput: unknown) => io.runTask(state.Resource, taskInput, signal)]]
        : [],
    ),
  );
  // A child execution runs the processor as a state machine of its own (ProcessorConfig is the Map's, not its).
  const { ProcessorConfig: _mode, ...processor } = map.ItemProcessor;
  const outcome = await runLocally(processor, selected, {
    taskHandlers,
    execution: { id: executionArn, name },
    signal,
    mapItem: { index, value: item },
    ...(io.retryIntervalMs !== undefined ? { retryIntervalMs: io.retryIntervalMs } : {}),
  });
  const ended = { ...common, Input: JSON.stringify(selected), StopDate: new Date().toISOString() };
  if (outcome.aborted) return { ...ended, Status: "ABORTED" };
  if (outcome.error !== undefined) {
    return { ...ended, Status: "FAILED", Error: outcome.error.name, Cause: outcome.error.cause };
  }
  return {
    ...ended,
    Status: "SUCCEEDED",
    Output: JSON.stringify(outcome.output ?? null),
    OutputDetails: { Included: true },
  };
}

function errorFields(error: unknown): { Error: string; Cause: string } {
  return error instanceof Error
    ? { Error: error.name, Cause: error.message }
    : { Error: "Error", Cause: String(error) };
}
