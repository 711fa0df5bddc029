/**
 * How many events a definition adds to an execution's history, counted the way Step Functions records them. A
 * Standard execution fails, uncatchably and without any notification, at 25,000 events, so the definition bounds
 * its two loops (the asset-level PLAYABLE wait, each endpoint's harvest invocations) from these counts.
 *
 * Per visit of a state: Pass, Choice, Wait, Succeed: Entered + Exited. Task: Entered, Scheduled, Started,
 * Succeeded/Failed, Exited, and three more (Scheduled, Started, Failed/TimedOut) per retry. Inline Map:
 * Entered, Started, Succeeded, Exited, plus IterationStarted/Succeeded around each iteration's own states.
 * Fail: Entered (ExecutionFailed is counted with the execution's two events).
 */
import type { State, StateMachineFragment } from "./asl.js";

/** Step Functions' hard limit on a Standard execution's history. */
export const HISTORY_EVENT_LIMIT = 25_000;

/** Whether every Retry runs out (the worst case) or none fires. */
export type RetryCount = "none" | "all";

const STATES_DEFAULT_MAX_ATTEMPTS = 3;

/** Events one visit of `state` records; a Map's iterations are not included (historyCosts adds them per item). */
export function visitEvents(state: State, retries: RetryCount): number {
  switch (state.Type) {
    case "Task": {
      const retried =
        retries === "all"
          ? (state.Retry ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? STATES_DEFAULT_MAX_ATTEMPTS), 0)
          : 0;
      return 5 + 3 * retried;
    }
    case "Map":
      return 4;
    case "Fail":
      return 1;
    default:
      return 2;
  }
}

/** Events of one Map iteration around its states: IterationStarted and IterationSucceeded. */
const ITERATION_EVENTS = 2;

/** Every state a state may go to next: Next, Default, each Choice rule's Next, each Catch's Next. */
export function successors(state: State): string[] {
  const next: string[] = [];
  if ("Next" in state && typeof state.Next === "string") next.push(state.Next);
  if (state.Type === "Choice") {
    next.push(...state.Choices.map((rule) => rule.Next));
    if (state.Default !== undefined) next.push(state.Default);
  }
  if ("Catch" in state && state.Catch) next.push(...state.Catch.map((catcher) => catcher.Next));
  return [...new Set(next)];
}

function stateOf(machine: StateMachineFragment, name: string): State {
  const state = machine.States[name];
  if (state === undefined) throw new RangeError(`no state ${name} in the definition`);
  return state;
}

/**
 * The most events any path without a repeated state records, from `from` to an end, where `cost` gives each
 * visit's events. Loops are counted separately (loopEvents); the graphs here are a few dozen states.
 */
export function longestPathEvents(
  machine: StateMachineFragment,
  cost: (name: string, state: State) => number,
  from: string = machine.StartAt,
): number {
  const visit = (name: string, onPath: ReadonlySet<string>): number => {
    const state = stateOf(machine, name);
    const here = cost(name, state);
    const onward = successors(state)
      .filter((next) => !onPath.has(next))
      .map((next) => visit(next, new Set([...onPath, next])));
    return here + Math.max(0, ...onward);
  };
  return visit(from, new Set([from]));
}

/** The most events one pass around a loop through `entry` records (a path from `entry` back to it). */
export function loopEvents(
  machine: StateMachineFragment,
  entry: string,
  cost: (name: string, state: State) => number,
): number {
  let best = 0;
  const visit = (name: string, onPath: ReadonlySet<string>, sum: number): void => {
    const state = stateOf(machine, name);
    for (const next of successors(state)) {
      if (next === entry) best = Math.max(best, sum + cost(name, state));
      else if (!onPath.has(next)) visit(next, new Set([...onPath, next]), sum + cost(name, state));
    }
  };
  visit(entry, new Set([entry]), 0);
  if (best === 0) throw new RangeError(`${entry} is on no loop of the definition`);
  return best;
}

/** Events kept free under the limit: room for what the model may miss (a redriven iteration, a service event). */
export const HISTORY_MARGIN = 1_000;

/** Where the loops and per-endpoint Maps of a definition are, by state name. */
export interface LoopLayout {
  /** The top-level Map running one iteration per endpoint, whose iteration loops over `harvestLoopEntry`. */
  readonly endpointsMap: string;
  readonly harvestLoopEntry: string;
  /** Other top-level Maps with one iteration per endpoint. */
  readonly perEndpointMaps: readonly string[];
  /** A top-level state on the PLAYABLE wait loop. */
  readonly pollLoopEntry: string;
}

export interface HistoryCosts {
  /** Events of one pass of the PLAYABLE wait loop, every retry spent. */
  readonly perPoll: number;
  /** Events of one harvest invocation that is not the last (with its progress notification), every retry spent. */
  readonly perHarvestInvocation: number;
  /** Events of the longest path through the definition with `endpoints` endpoints, outside both loops. */
  readonly fixed: (endpoints: number) => number;
}

function mapOf(machine: StateMachineFragment, name: string) {
  const state = stateOf(machine, name);
  if (state.Type !== "Map") throw new RangeError(`${name} is not a Map state`);
  return state;
}

/** Reads the costs off the definition itself: change a state and the bound changes with it. */
export function historyCosts(machine: StateMachineFragment, layout: LoopLayout): HistoryCosts {
  const worst = (_name: string, state: State) => visitEvents(state, "all");
  const iterationCost = (map: string) =>
    ITERATION_EVENTS + longestPathEvents(mapOf(machine, map).ItemProcessor, worst);
  const perEndpoint = [layout.endpointsMap, ...layout.perEndpointMaps];
  const perItem = new Map(perEndpoint.map((map) => [map, iterationCost(map)]));
  return {
    perPoll: loopEvents(machine, layout.pollLoopEntry, worst),
    perHarvestInvocation: loopEvents(
      mapOf(machine, layout.endpointsMap).ItemProcessor,
      layout.harvestLoopEntry,
      worst,
    ),
    fixed: (endpoints) =>
      // ExecutionStarted and ExecutionSucceeded/Failed, then the states.
      2 +
      longestPathEvents(machine, (name, state) => worst(name, state) + endpoints * (perItem.get(name) ?? 0)),
  };
}

/**
 * For each endpoint count n (index, 0 … maxEndpoints), how many harvest invocations each endpoint may use so that
 * the whole execution stays under HISTORY_EVENT_LIMIT − HISTORY_MARGIN with `polls` PLAYABLE polls and every
 * retry spent. Throws when even one invocation per endpoint does not fit.
 */
export function harvestInvocationLimits(costs: HistoryCosts, polls: number, maxEndpoints: number): number[] {
  const limits = [0];
  for (let n = 1; n <= maxEndpoints; n++) {
    const room = HISTORY_EVENT_LIMIT - HISTORY_MARGIN - costs.fixed(n) - polls * costs.perPoll;
    const limit = Math.floor(room / (n * costs.perHarvestInvocation));
    if (limit < 1) {
      throw new RangeError(
        `${n} endpoints with ${polls} PLAYABLE polls leave no harvest invocation within ${HISTORY_EVENT_LIMIT} history events`,
      );
    }
    limits.push(limit);
  }
  return limits;
}
