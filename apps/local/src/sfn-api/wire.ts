/**
 * The awsJson1_0 wire format of Step Functions: JSON bodies, timestamps as epoch seconds (fractional), errors as
 * HTTP 400 with `__type` (the SDK and botocore both read the error code from it).
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import type { ExecutionRecord } from "../stack/executions.js";

export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = "SfnApiError";
  }
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

/** Dates anywhere in a value become epoch seconds. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return epochSeconds(value);
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, toWire(field)]),
    );
  }
  return value;
}

export function executionListItem(record: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate,
  };
}

/** DescribeExecution: the list item's fields plus input, output and the error. */
export function describeExecutionOutput(record: ExecutionRecord): Record<string, unknown> {
  return {
    ...executionListItem(record),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    ...(record.output !== undefined ? { outputDetails: { included: true } } : {}),
    error: record.error,
    cause: record.cause,
  };
}

const DATA_FIELDS = new Set(["input", "output", "parameters"]);

/** includeExecutionData=false: the event without its input, output and parameters (details kept otherwise). */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (key.endsWith("EventDetails") && typeof value === "object" && value !== null) {
        return [key, Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)))];
      }
      return [key, value];
    }),
  ) as unknown as HistoryEvent;
}
