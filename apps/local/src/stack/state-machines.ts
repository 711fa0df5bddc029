/**
 * The local stack's state machines (the per-asset one and the catalogue) and the Map Runs of their executions: what
 * the Step Functions API server (src/sfn-api) looks executions, machines and Map Runs up in.
 */
import type { MapRunSnapshot } from "@vod-harvest/workflow/local";
import type { ExecutionRecord, LocalExecutions } from "./executions.js";

/** Every Map Run's latest snapshot (DescribeMapRun), by its ARN and by its parent execution (ListMapRuns). */
export class MapRuns {
  readonly #runs = new Map<string, MapRunSnapshot>();

  record(snapshot: MapRunSnapshot): void {
    this.#runs.set(snapshot.mapRunArn, snapshot);
  }

  get(mapRunArn: string): MapRunSnapshot | undefined {
    return this.#runs.get(mapRunArn);
  }

  /** Newest first, as ListMapRuns orders them. */
  ofExecution(executionArn: string): MapRunSnapshot[] {
    return [...this.#runs.values()].filter((run) => run.executionArn === executionArn).reverse();
  }
}

export class LocalStateMachines {
  readonly #machines: readonly LocalExecutions[];
  readonly mapRuns: MapRuns;

  constructor(machines: readonly LocalExecutions[], mapRuns: MapRuns = new MapRuns()) {
    this.#machines = machines;
    this.mapRuns = mapRuns;
  }

  get all(): readonly LocalExecutions[] {
    return this.#machines;
  }

  machine(stateMachineArn: string): LocalExecutions | undefined {
    return this.#machines.find((machine) => machine.stateMachineArn === stateMachineArn);
  }

  /** The execution and the machine that runs it, whichever it is. */
  execution(executionArn: string): { machine: LocalExecutions; record: ExecutionRecord } | undefined {
    for (const machine of this.#machines) {
      const record = machine.get(executionArn);
      if (record !== undefined) return { machine, record };
    }
    return undefined;
  }

  async allSettled(): Promise<void> {
    await Promise.all(this.#machines.map((machine) => machine.allSettled()));
  }
}
