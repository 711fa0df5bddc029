/**
 * Reads a Step Functions execution history as `vod-harvest start --follow` shows it: pure functions from history
 * events (as @aws-sdk/client-sfn returns them, from AWS or the local stack) to progress lines, and from the
 * execution's output to a result table and an exit code. Progress comes from what any deployment records: the
 * resolve-endpoints and harvest Lambda results (LambdaFunction… events) and the SNS notifications (sns:publish
 * TaskScheduled parameters).
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { formatTable } from "@vod-harvest/harvest/text-table";
import { formatBytes } from "../progress.js";

/** Progress shown while an execution is followed: `poll` after each DescribeExecution, `stop` at the end. */
export interface ExecutionProgress {
  poll(): Promise<void>;
  stop(): void;
}

type Json = Record<string, unknown>;

function parseObject(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/**
 * Turns events into progress lines. Feed it every event once, oldest first; it pairs a Lambda's result with its
 * input through previousEventId (Succeeded → Started → Scheduled), as Map iterations interleave their events.
 */
export class HistoryReader {
  readonly #lambdaInputs = new Map<number, Json | undefined>();
  readonly #startedToScheduled = new Map<number, number>();

  /** Progress lines for this event (usually none). */
  read(event: HistoryEvent): string[] {
    const id = event.id ?? 0;
    switch (event.type) {
      case "LambdaFunctionScheduled":
        this.#lambdaInputs.set(id, parseObject(event.lambdaFunctionScheduledEventDetails?.input));
        return [];
      case "LambdaFunctionStarted":
        this.#startedToScheduled.set(id, event.previousEventId ?? 0);
        return [];
      case "LambdaFunctionSucceeded":
        return lambdaResultLines(
          this.#inputOf(event),
          parseObject(event.lambdaFunctionSucceededEventDetails?.output),
        );
      case "LambdaFunctionFailed": {
        const config = text(this.#inputOf(event)?.packagingConfigurationId);
        const details = event.lambdaFunctionFailedEventDetails;
        // Endpoint failures are reported by their EndpointFailed notification; others matter here.
        return config ? [] : [`  failed: ${details?.error ?? "Error"}: ${details?.cause ?? ""}`];
      }
      case "TaskScheduled": {
        const details = event.taskScheduledEventDetails;
        if (details?.resourceType !== "sns" || details.resource !== "publish") return [];
        return notificationLines(parseObject(text(parseObject(details.parameters)?.Message)));
      }
      case "ExecutionFailed": {
        const details = event.executionFailedEventDetails;
        return [`  execution failed: ${details?.error ?? "Error"}: ${details?.cause ?? ""}`];
      }
      default:
        return [];
    }
  }

  #inputOf(event: HistoryEvent): Json | undefined {
    const scheduled = this.#startedToScheduled.get(event.previousEventId ?? 0);
    return scheduled === undefined ? undefined : this.#lambdaInputs.get(scheduled);
  }
}

function lambdaResultLines(input: Json | undefined, output: Json | undefined): string[] {
  if (output === undefined) return [];
  const endpoints = output.endpoints;
  if (Array.isArray(endpoints)) {
    const names = endpoints.map((endpoint) => text((endpoint as Json).packagingConfigurationId) ?? "?");
    const cdn = output.cdnIdentifierSecretArn ? " (CDN authorization)" : "";
    return [`  endpoints: ${names.join(", ")}${cdn}`];
  }
  const config = text(input?.packagingConfigurationId);
  const total = count(output.objectsTotal);
  if (config !== undefined && total !== undefined) {
    const done = count(output.objectsDone) ?? 0;
    const bytes = count(output.bytesDone) ?? 0;
    return [
      `  ${config}: ${done}/${total} objects, ${formatBytes(bytes)}${output.done === true ? "" : " (continuing)"}`,
    ];
  }
  return [];
}

function notificationLines(message: Json | undefined): string[] {
  if (message === undefined) return [];
  const config = text(message.PackagingConfigurationId) ?? "";
  const size = () => `${count(message.Objects) ?? 0} objects, ${formatBytes(count(message.Bytes) ?? 0)}`;
  switch (message.Event) {
    case "HarvestStarted":
      return [`  asset ${text(message.AssetId) ?? "?"} → ${text(message.Destination) ?? "?"}`];
    case "EndpointComplete":
      return [`  ${config}: COMPLETE, ${size()}`];
    case "EndpointSkipped":
      return [`  ${config}: SKIPPED, a complete copy is already there (${size()})`];
    case "EndpointFailed":
      return [`  ${config}: FAILED, ${text(message.Error) ?? "Error"}: ${text(message.Cause) ?? ""}`];
    default:
      return [];
  }
}

export interface EndpointResultView {
  readonly packagingConfigurationId: string;
  readonly status: string;
  readonly entry: string | null;
  readonly objects: number;
  readonly bytes: number;
}

/** The `results` of the execution output (DESIGN.md), or undefined when the output is not of that shape. */
export function resultsOf(output: string | undefined): EndpointResultView[] | undefined {
  const results = parseObject(output)?.results;
  if (!Array.isArray(results)) return undefined;
  return results.map((item) => {
    const result = (typeof item === "object" && item !== null ? item : {}) as Json;
    return {
      packagingConfigurationId: text(result.packagingConfigurationId) ?? "?",
      status: text(result.status) ?? "?",
      entry: text(result.entry) ?? null,
      objects: count(result.objects) ?? 0,
      bytes: count(result.bytes) ?? 0,
    };
  });
}

/** A plain-text table: configuration, status, objects, bytes, entry. */
export function resultTable(results: readonly EndpointResultView[]): string {
  return formatTable([
    ["configuration", "status", "objects", "bytes", "entry"],
    ...results.map((result) => [
      result.packagingConfigurationId,
      result.status,
      String(result.objects),
      formatBytes(result.bytes),
      result.entry ?? "-",
    ]),
  ]);
}

/** Success: the execution SUCCEEDED and every endpoint is COMPLETE or SKIPPED (and there is at least one). */
export function succeeded(
  status: string | undefined,
  results: readonly EndpointResultView[] | undefined,
): boolean {
  if (status !== "SUCCEEDED" || results === undefined || results.length === 0) return false;
  return results.every((result) => result.status === "COMPLETE" || result.status === "SKIPPED");
}
