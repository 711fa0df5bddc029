/**
 * The executions of the local state machine: started in the background, described, listed, and their live
 * history. The Step Functions API server (src/sfn-api) serves exactly this.
 */
import { randomUUID } from "node:crypto";
import type { ExecutionStatus, HistoryEvent } from "@aws-sdk/client-sfn";
import { ExecutionHistory } from "./history.js";
import { type RunnerSetup, runRecorded } from "./traced-runner.js";

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  /** The input as given (JSON text). */
  readonly input: string;
  readonly startDate: Date;
  readonly status: ExecutionStatus;
  readonly stopDate?: Date;
  /** JSON text, when SUCCEEDED. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history: readonly HistoryEvent[];
}

export class ExecutionExistsError extends Error {
  override readonly name = "ExecutionExistsError";
}

interface Entry {
  record: Omit<ExecutionRecord, "history">;
  readonly history: ExecutionHistory;
  readonly settled: Promise<void>;
  /** StopExecution's: aborted with the error and cause it was given. */
  readonly stop: AbortController;
}

/** The state machine these executions run, as DescribeStateMachine shows it. */
export interface LocalStateMachineInfo {
  readonly stateMachineArn: string;
  readonly name: string;
  /** JSON text of the definition. */
  readonly definition: string;
  readonly roleArn: string;
  readonly creationDate: Date;
}

export interface LocalExecutionsOptions {
  readonly setup: RunnerSetup;
  readonly stateMachineArn: string;
  readonly region: string;
  /** The part of an execution ARN before its name: `arn:aws:states:<region>:<account>:execution:<machine>:`. */
  readonly executionArnPrefix: string;
  readonly roleArn: string;
}

export class LocalExecutions {
  readonly #entries = new Map<string, Entry>();
  readonly #options: LocalExecutionsOptions;

  readonly #createdAt = new Date();

  constructor(options: LocalExecutionsOptions) {
    this.#options = options;
  }

  get stateMachineArn(): string {
    return this.#options.stateMachineArn;
  }

  get stateMachine(): LocalStateMachineInfo {
    const arn = this.#options.stateMachineArn;
    return {
      stateMachineArn: arn,
      name: arn.slice(arn.lastIndexOf(":") + 1),
      definition: JSON.stringify(this.#options.setup.definition),
      roleArn: this.#options.roleArn,
      creationDate: this.#createdAt,
    };
  }

  /**
   * StopExecution: a RUNNING execution ends ABORTED with the given error and cause (a Task already running is not
   * cancelled, as in AWS). Returns the record, or undefined for an unknown ARN; an ended one is left as it is.
   */
  stop(executionArn: string, error?: string, cause?: string): ExecutionRecord | undefined {
    const entry = this.#entries.get(executionArn);
    if (entry === undefined) return undefined;
    if (entry.record.status === "RUNNING") {
      entry.record = {
        ...entry.record,
        status: "ABORTED",
        stopDate: new Date(),
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      };
      entry.stop.abort();
    }
    return this.#view(entry);
  }

  /**
   * Starts an execution and returns at once. The input must already be valid JSON text. A name in use is
   * refused (ExecutionExistsError) unless its input is the same, when the running one is returned (as AWS does).
   */
  start(input: string, name: string = randomUUID()): ExecutionRecord {
    const executionArn = `${this.#options.executionArnPrefix}${name}`;
    const existing = this.#entries.get(executionArn);
    if (existing !== undefined) {
      if (existing.record.input === input && existing.record.status === "RUNNING")
        return this.#view(existing);
      throw new ExecutionExistsError(`Execution Already Exists: '${executionArn}'`);
    }
    const history = new ExecutionHistory();
    history.add("ExecutionStarted", {
      executionStartedEventDetails: {
        input,
        inputDetails: { truncated: false },
        roleArn: this.#options.roleArn,
      },
    });
    const record = {
      executionArn,
      stateMachineArn: this.#options.stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: "RUNNING" as ExecutionStatus,
    };
    const stop = new AbortController();
    const entry: Entry = {
      record,
      history,
      stop,
      settled: this.#run(executionArn, history, JSON.parse(input) as unknown, name, stop.signal),
    };
    this.#entries.set(executionArn, entry);
    return this.#view(entry);
  }

  async #run(
    executionArn: string,
    history: ExecutionHistory,
    input: unknown,
    name: string,
    signal: AbortSignal,
  ): Promise<void> {
    const finish = (fields: Partial<ExecutionRecord>) => {
      const entry = this.#entries.get(executionArn);
      // A stopped execution keeps what StopExecution recorded.
      if (entry && entry.record.status === "RUNNING")
        entry.record = { ...entry.record, ...fields, stopDate: new Date() };
    };
    // Let StartExecution answer before the first Task runs.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const result = await runRecorded(
        this.#options.setup,
        history,
        input,
        name,
        this.#options.region,
        signal,
      );
      if (result.aborted) return;
      if (result.executionArn !== executionArn) {
        throw new Error(`the runner named the execution ${result.executionArn}, expected ${executionArn}`);
      }
      if (result.error === undefined)
        finish({ status: "SUCCEEDED", output: JSON.stringify(result.output ?? null) });
      else finish({ status: "FAILED", error: result.error.name, cause: result.error.cause });
    } catch (error) {
      finish({
        status: "FAILED",
        error: "States.Runtime",
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  }

  get(executionArn: string): ExecutionRecord | undefined {
    const entry = this.#entries.get(executionArn);
    return entry && this.#view(entry);
  }

  /** Newest first, as ListExecutions orders them. */
  list(): ExecutionRecord[] {
    return [...this.#entries.values()].reverse().map((entry) => this.#view(entry));
  }

  /** Resolves when the execution has ended (at once for an unknown one). */
  async settled(executionArn: string): Promise<ExecutionRecord | undefined> {
    await this.#entries.get(executionArn)?.settled;
    return this.get(executionArn);
  }

  /** Resolves when every execution started so far has ended. */
  async allSettled(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((entry) => entry.settled));
  }

  #view(entry: Entry): ExecutionRecord {
    return { ...entry.record, history: entry.history.events() };
  }
}
