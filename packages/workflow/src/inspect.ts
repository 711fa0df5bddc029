/** Walks a definition, including Map iterations, so tests and the local runner can see every state. */
import type { State, StateMachineFragment } from "./asl.js";

export interface StateEntry {
  readonly name: string;
  readonly state: State;
  /** Names of the enclosing Map states, outermost first; empty at top level. */
  readonly within: readonly string[];
  /** The (sub-)machine the state belongs to, for resolving its transitions. */
  readonly machine: StateMachineFragment;
}

export function listStates(machine: StateMachineFragment, within: readonly string[] = []): StateEntry[] {
  const entries: StateEntry[] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    entries.push({ name, state, within, machine });
    if (state.Type === "Map") entries.push(...listStates(state.ItemProcessor, [...within, name]));
  }
  return entries;
}

/**
 * Every Task state with its Resource: what apps/local overrides (`taskResourceLocalHandlers` is keyed by state
 * name, iterations included) and what the infra's IAM policy must allow.
 */
export function listTaskStates(
  machine: StateMachineFragment,
): { readonly name: string; readonly resource: string }[] {
  return listStates(machine).flatMap(({ name, state }) =>
    state.Type === "Task" ? [{ name, resource: state.Resource }] : [],
  );
}
