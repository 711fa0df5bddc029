/**
 * One execution's event history, shaped as Step Functions' GetExecutionHistory returns it (the SDK's
 * HistoryEvent), recorded while the execution runs so followers see progress as it happens.
 */
import type { HistoryEvent, HistoryEventType } from "@aws-sdk/client-sfn";

/** HistoryEvent without the fields the recorder fills in. */
export type HistoryEventDetails = Omit<HistoryEvent, "id" | "type" | "timestamp" | "previousEventId">;

export class ExecutionHistory {
  readonly #events: HistoryEvent[] = [];

  /** Appends an event and returns its id (1, 2, …). previousEventId defaults to the last event recorded. */
  add(type: HistoryEventType, details: HistoryEventDetails = {}, previousEventId?: number): number {
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
