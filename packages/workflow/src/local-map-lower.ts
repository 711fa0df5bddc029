/**
 * Distributed Map for the local runner, step 1: aws-local-stepfunctions ignores ItemReader and ResultWriter, so
 * each top-level Map in DISTRIBUTED mode becomes a Task state that keeps the Map's input, Retry, Catch, ResultPath
 * and Next, and hands the Map's evaluated fields (reader and writer parameters, concurrency, tolerance) to a local
 * handler (local-map-run.ts) that does the Map Run.
 */
import type { DistributedMapState, PayloadTemplate, State, StateMachineFragment, TaskState } from "./asl.js";

/** The Resource of a lowered Distributed Map: never called, the local handler stands in for it. */
export const LOCAL_DISTRIBUTED_MAP = "arn:aws:states:::vod-harvest:localDistributedMap";
/** Fields of a Distributed Map our definitions do not use: honoured (literals, count) or refused (ItemBatcher). */
type DistributedMap = DistributedMapState & {
  readonly MaxConcurrency?: number;
  readonly ToleratedFailurePercentage?: number;
  readonly ToleratedFailureCount?: number;
  readonly ToleratedFailureCountPath?: string;
  readonly ItemBatcher?: unknown;
};

function isDistributed(state: State): state is DistributedMap {
  return (
    state.Type === "Map" && (state.ItemProcessor.ProcessorConfig as { Mode: string }).Mode === "DISTRIBUTED"
  );
}

/** A number from the Map's literal or its `…Path` field, as a Parameters entry of the lowered Task. */
function numberField(name: string, literal: number | undefined, path: string | undefined): PayloadTemplate {
  if (path !== undefined) return { [`${name}.$`]: path };
  return literal === undefined ? {} : { [name]: literal };
}

function loweredTask(name: string, map: DistributedMap): TaskState {
  if (map.ItemBatcher !== undefined) throw new TypeError(`${name}: ItemBatcher is not run locally`);
  if (map.ItemReader.ReaderConfig.InputType !== "JSONL") {
    throw new TypeError(`${name}: only JSONL item lists are read locally`);
  }
  const transition = map.End ? { End: true as const } : { Next: map.Next as string };
  return {
    Type: "Task",
    Comment: `${map.Comment ?? name} (Distributed Map, run locally)`,
    Resource: LOCAL_DISTRIBUTED_MAP,
    ...(map.InputPath !== undefined ? { InputPath: map.InputPath } : {}),
    Parameters: {
      "mapInput.$": "$",
      "executionArn.$": "$$.Execution.Id",
      reader: map.ItemReader.Parameters,
      writer: map.ResultWriter.Parameters,
      ...numberField("maxConcurrency", map.MaxConcurrency, map.MaxConcurrencyPath),
      ...numberField(
        "toleratedFailurePercentage",
        map.ToleratedFailurePercentage,
        map.ToleratedFailurePercentagePath,
      ),
      ...numberField("toleratedFailureCount", map.ToleratedFailureCount, map.ToleratedFailureCountPath),
    },
    ...(map.ResultSelector !== undefined ? { ResultSelector: map.ResultSelector } : {}),
    ...(map.ResultPath !== undefined ? { ResultPath: map.ResultPath } : {}),
    ...(map.OutputPath !== undefined ? { OutputPath: map.OutputPath } : {}),
    ...(map.Retry !== undefined ? { Retry: map.Retry } : {}),
    ...(map.Catch !== undefined ? { Catch: map.Catch } : {}),
    ...transition,
  } as TaskState;
}

export interface LoweredDefinition<D extends StateMachineFragment> {
  readonly definition: D;
  /** The Distributed Maps that were lowered, by state name. */
  readonly maps: Readonly<Record<string, DistributedMapState>>;
}

/** Every top-level Distributed Map replaced by a Task of Resource LOCAL_DISTRIBUTED_MAP; anything else unchanged. */
export function lowerDistributedMaps<D extends StateMachineFragment>(definition: D): LoweredDefinition<D> {
  const maps: Record<string, DistributedMapState> = {};
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (isDistributed(state)) {
      maps[name] = state;
      states[name] = loweredTask(name, state);
    } else states[name] = state;
  }
  return { definition: { ...definition, States: states }, maps };
}
