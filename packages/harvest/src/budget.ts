import { HarvestAbortedError } from "./errors.js";

/** A run's stop signal: it fires at the deadline or when the caller's signal fires, whichever comes first. */
export interface RunBudget {
  readonly signal: AbortSignal;
  /** True once the run was stopped (deadline or caller). */
  stopped(): boolean;
  /** Clears the timer and the listener on the caller's signal. */
  dispose(): void;
}

export function startBudget(deadline: number | undefined, caller: AbortSignal | undefined): RunBudget {
  const controller = new AbortController();
  const stopOnCaller = () => controller.abort(caller?.reason);
  let timer: NodeJS.Timeout | undefined;
  if (caller?.aborted) stopOnCaller();
  else caller?.addEventListener("abort", stopOnCaller, { once: true });
  if (deadline !== undefined && !controller.signal.aborted) {
    const stopAtDeadline = () => controller.abort(new HarvestAbortedError("deadline reached"));
    const remaining = deadline - Date.now();
    if (remaining <= 0) stopAtDeadline();
    else timer = setTimeout(stopAtDeadline, remaining);
  }
  return {
    signal: controller.signal,
    stopped: () => controller.signal.aborted,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", stopOnCaller);
    },
  };
}
