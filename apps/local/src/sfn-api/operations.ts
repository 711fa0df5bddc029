/**
 * The Step Functions operations the local stack serves: StartExecution, StopExecution, DescribeExecution,
 * ListExecutions, GetExecutionHistory, ListStateMachines, DescribeStateMachine, DescribeStateMachineForExecution,
 * ListMapRuns and DescribeMapRun, with AWS's validation, defaults, pagination and error codes.
 */
import { ExecutionExistsError, type ExecutionRecord, type LocalExecutions } from "../stack/executions.js";
import type { LocalStateMachines } from "../stack/state-machines.js";
import { describeExecutionOutput, executionListItem, SfnApiError, withoutExecutionData } from "./wire.js";

type Request = Record<string, unknown>;
export type Operation = (machines: LocalStateMachines, request: Request) => Record<string, unknown>;

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const EXECUTION_STATUSES = new Set([
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
  "PENDING_REDRIVE",
]);
// Names: 1–80 characters, none of AWS's forbidden ones (whitespace, brackets, wildcards, punctuation, controls).
const FORBIDDEN_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const isControl = (char: string) =>
  char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f);

function isValidName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 80 &&
    !FORBIDDEN_NAME_CHARACTER.test(name) &&
    ![...name].some(isControl)
  );
}

function stringField(request: Request, field: string, required: true): string;
function stringField(request: Request, field: string, required: false): string | undefined;
function stringField(request: Request, field: string, required: boolean): string | undefined {
  const value = request[field];
  if (value === undefined || value === null) {
    if (required)
      throw new SfnApiError(
        "ValidationException",
        `1 validation error detected: '${field}' must not be null`,
      );
    return undefined;
  }
  if (typeof value !== "string") throw new SfnApiError("SerializationException", `${field} must be a string`);
  return value;
}

function pageSize(request: Request): number {
  const value = request.maxResults;
  if (value === undefined || value === null || value === 0) return DEFAULT_PAGE;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_PAGE) {
    throw new SfnApiError(
      "ValidationException",
      `1 validation error detected: 'maxResults' must be between 0 and ${MAX_PAGE}`,
    );
  }
  return value;
}

/** nextToken: the offset of the next page, opaque to clients. */
function pageStart(request: Request): number {
  const token = stringField(request, "nextToken", false);
  if (token === undefined) return 0;
  const offset = Number(
    Buffer.from(token, "base64url")
      .toString("utf8")
      .replace(/^offset:/, ""),
  );
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new SfnApiError("InvalidToken", "Invalid Token: 'Invalid token'");
  return offset;
}

function page<T>(items: readonly T[], request: Request): { items: T[]; nextToken?: string } {
  const start = pageStart(request);
  const end = start + pageSize(request);
  const nextToken = end < items.length ? Buffer.from(`offset:${end}`).toString("base64url") : undefined;
  return { items: items.slice(start, end), ...(nextToken ? { nextToken } : {}) };
}

function assertArn(arn: string, kind: "stateMachine" | "execution" | "mapRun"): void {
  if (!new RegExp(`^arn:aws[\\w-]*:states:[\\w-]+:\\d{12}:${kind}:`).test(arn)) {
    throw new SfnApiError("InvalidArn", `Invalid Arn: '${arn}'`);
  }
}

function executionOf(
  machines: LocalStateMachines,
  request: Request,
): { machine: LocalExecutions; record: ExecutionRecord } {
  const arn = stringField(request, "executionArn", true);
  assertArn(arn, "execution");
  const found = machines.execution(arn);
  if (found === undefined)
    throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
  return found;
}

const execution = (machines: LocalStateMachines, request: Request) => executionOf(machines, request).record;

function stateMachine(machines: LocalStateMachines, arn: string): LocalExecutions {
  assertArn(arn, "stateMachine");
  const machine = machines.machine(arn);
  if (machine === undefined) {
    throw new SfnApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
  }
  return machine;
}

const startExecution: Operation = (machines, request) => {
  const executions = stateMachine(machines, stringField(request, "stateMachineArn", true));
  const name = stringField(request, "name", false);
  if (name !== undefined && !isValidName(name)) {
    throw new SfnApiError("InvalidName", `Invalid Name: '${name}'`);
  }
  const input = stringField(request, "input", false) ?? "{}";
  try {
    JSON.parse(input);
  } catch {
    throw new SfnApiError(
      "InvalidExecutionInput",
      "Invalid State Machine Execution Input: 'Unexpected input'",
    );
  }
  try {
    const started = executions.start(input, name);
    return { executionArn: started.executionArn, startDate: started.startDate };
  } catch (error) {
    if (error instanceof ExecutionExistsError) throw new SfnApiError("ExecutionAlreadyExists", error.message);
    throw error;
  }
};

const describeExecution: Operation = (machines, request) =>
  describeExecutionOutput(execution(machines, request));

const listExecutions: Operation = (machines, request) => {
  if (request.mapRunArn !== undefined) {
    throw new SfnApiError(
      "ValidationException",
      "mapRunArn is not served by the local stack: use DescribeMapRun for a Map Run's item counts",
    );
  }
  const executions = stateMachine(machines, stringField(request, "stateMachineArn", true));
  const status = stringField(request, "statusFilter", false);
  if (status !== undefined && !EXECUTION_STATUSES.has(status)) {
    throw new SfnApiError(
      "ValidationException",
      `1 validation error detected: 'statusFilter' '${status}' is not valid`,
    );
  }
  const matching = executions.list().filter((record) => status === undefined || record.status === status);
  const { items, nextToken } = page(matching, request);
  return { executions: items.map(executionListItem), ...(nextToken ? { nextToken } : {}) };
};

const getExecutionHistory: Operation = (machines, request) => {
  const record = execution(machines, request);
  const ordered = request.reverseOrder === true ? [...record.history].reverse() : [...record.history];
  const withData = request.includeExecutionData !== false;
  const { items, nextToken } = page(withData ? ordered : ordered.map(withoutExecutionData), request);
  return { events: items, ...(nextToken ? { nextToken } : {}) };
};

const stopExecution: Operation = (machines, request) => {
  const { machine: executions, record } = executionOf(machines, request);
  const arn = record.executionArn;
  const error = stringField(request, "error", false);
  const cause = stringField(request, "cause", false);
  if (error !== undefined && error.length > 256) {
    throw new SfnApiError(
      "ValidationException",
      "1 validation error detected: 'error' must be at most 256 characters",
    );
  }
  const stopped = executions.stop(arn, error, cause);
  return { stopDate: stopped?.stopDate ?? new Date() };
};

const listStateMachines: Operation = (machines, request) => {
  const all = machines.all.map(({ stateMachine: { stateMachineArn, name, creationDate } }) => ({
    stateMachineArn,
    name,
    type: "STANDARD",
    creationDate,
  }));
  const { items, nextToken } = page(all, request);
  return { stateMachines: items, ...(nextToken ? { nextToken } : {}) };
};

function stateMachineDescription(executions: LocalExecutions) {
  const machine = executions.stateMachine;
  return {
    stateMachineArn: machine.stateMachineArn,
    name: machine.name,
    definition: machine.definition,
    roleArn: machine.roleArn,
  };
}

const describeStateMachine: Operation = (machines, request) => {
  const executions = stateMachine(machines, stringField(request, "stateMachineArn", true));
  return {
    ...stateMachineDescription(executions),
    status: "ACTIVE",
    type: "STANDARD",
    creationDate: executions.stateMachine.creationDate,
  };
};

const describeStateMachineForExecution: Operation = (machines, request) => {
  const { machine } = executionOf(machines, request);
  return { ...stateMachineDescription(machine), updateDate: machine.stateMachine.creationDate };
};

const listMapRuns: Operation = (machines, request) => {
  const { record } = executionOf(machines, request);
  const runs = machines.mapRuns.ofExecution(record.executionArn).map((run) => ({
    executionArn: run.executionArn,
    mapRunArn: run.mapRunArn,
    stateMachineArn: run.stateMachineArn,
    startDate: run.startDate,
    stopDate: run.stopDate,
  }));
  const { items, nextToken } = page(runs, request);
  return { mapRuns: items, ...(nextToken ? { nextToken } : {}) };
};

const describeMapRun: Operation = (machines, request) => {
  const arn = stringField(request, "mapRunArn", true);
  assertArn(arn, "mapRun");
  const run = machines.mapRuns.get(arn);
  if (run === undefined) throw new SfnApiError("ResourceNotFound", `Resource not found: '${arn}'`);
  // (DescribeMapRun names no state machine: ListMapRuns does)
  const { stateMachineArn: _listed, ...described } = run;
  return { ...described, executionCounts: run.itemCounts, redriveCount: 0 };
};

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  StartExecution: startExecution,
  StopExecution: stopExecution,
  ListStateMachines: listStateMachines,
  DescribeStateMachine: describeStateMachine,
  DescribeStateMachineForExecution: describeStateMachineForExecution,
  DescribeExecution: describeExecution,
  ListExecutions: listExecutions,
  GetExecutionHistory: getExecutionHistory,
  ListMapRuns: listMapRuns,
  DescribeMapRun: describeMapRun,
};
