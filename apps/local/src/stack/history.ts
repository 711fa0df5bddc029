/**
 * One execution's event history, shaped as Step Functions' GetExecutionHistory returns it (the SDK's
 * HistoryEvent), recorded while the execution runs so followers see progress as it happens.
 */
import type { HistoryEvent, HistoryEventType } from "@aws-sdk/client-sfn";

/** HistoryEvent without the fields the recorder fills in. */
export type HistoryEventDetails = Omit<HistoryEvent, "id" | "type" | "timestamp" | "previousEventId">;

const FINAL_EVENTS = new Set([
  "ExecutionSucceeded",
  "ExecutionFailed",
  "ExecutionAborted",
  "ExecutionTimedOut",
]);

export class ExecutionHistory {
  readonly #events: HistoryEvent[] = [];

  /**
   * Appends an event and returns its id (1, 2, …). previousEventId defaults to the last event recorded. After the
   * execution's last event (succeeded, failed, aborted…) nothing more is recorded: a Task still running when
   * StopExecution came ends unseen, as in AWS.
   */
  add(type: HistoryEventType, details: HistoryEventDetails = {}, previousEventId?: number): number {
    const last = this.#events.at(-1);
    if (last !== undefined && FINAL_EVENTS.has(last.type as string)) return last.id as number;
    const id = this.#events.length + 1;
    this.#events.push({
      ...details,
      id,
      type,
      timestamp: new Date(),
      previousEventId: previousEventId ?? id - 1,
    });
    return id;
  }

  /** A snapshot, oldest first. */
  events(): readonly HistoryEvent[] {
    return [...this.#events];
  }
}
