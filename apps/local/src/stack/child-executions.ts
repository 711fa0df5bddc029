/**
 * `states:startExecution.sync:2` on this machine: the catalogue's item processor starts an execution of the local
 * per-asset state machine and waits for its end. The answer has the shape Step Functions gives (output parsed as
 * JSON); a child that did not succeed fails the Task with `States.TaskFailed` and the child's description as the
 * cause. Stopping the Map Run stops the child.
 */
import { START_EXECUTION_SYNC } from "@vod-harvest/workflow";
import type { ExecutionRecord, LocalExecutions } from "./executions.js";

function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

const parsed = (text: string | undefined): unknown => (text === undefined ? null : JSON.parse(text));

function describe(record: ExecutionRecord) {
  return {
    ExecutionArn: record.executionArn,
    Name: record.name,
    StateMachineArn: record.stateMachineArn,
    Status: record.status,
    StartDate: record.startDate.getTime(),
    ...(record.stopDate ? { StopDate: record.stopDate.getTime() } : {}),
    Input: parsed(record.input),
    InputDetails: { Included: true },
    RedriveCount: 0,
    RedriveStatus: "NOT_REDRIVABLE",
  };
}

/** The item processor's Task runner for the catalogue's Map (DistributedMapIo.runTask). */
export function childExecutionTasks(children: LocalExecutions) {
  return async (resource: string, input: unknown, signal: AbortSignal): Promise<unknown> => {
    if (resource !== START_EXECUTION_SYNC) {
      throw taskError("States.Runtime", `no local implementation for ${resource} in a Map's item processor`);
    }
    const { StateMachineArn, Input, Name } = (input ?? {}) as Record<string, unknown>;
    if (StateMachineArn !== children.stateMachineArn) {
      throw taskError(
        "StepFunctions.StateMachineDoesNotExistException",
        `State Machine Does Not Exist: '${String(StateMachineArn)}'`,
      );
    }
    const text = typeof Input === "string" ? Input : JSON.stringify(Input ?? {});
    const started = children.start(text, typeof Name === "string" ? Name : undefined);
    const stop = () => children.stop(started.executionArn, "States.Aborted", "the Map Run stopped");
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
    try {
      const ended = (await children.settled(started.executionArn)) as ExecutionRecord;
      if (ended.status === "SUCCEEDED") {
        return { ...describe(ended), Output: parsed(ended.output), OutputDetails: { Included: true } };
      }
      const cause = { ...describe(ended), Error: ended.error, Cause: ended.cause };
      throw taskError("States.TaskFailed", JSON.stringify(cause));
    } finally {
      signal.removeEventListener("abort", stop);
    }
  };
}
