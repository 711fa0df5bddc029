import { TestOriginError } from "./errors.js";
import type { Fault, FaultHandle, FaultMatch, RequestInfo } from "./types.js";

/** mulberry32: tiny seeded PRNG, so probabilistic faults replay identically for the same request order. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Registered {
  match: FaultMatch;
  fault: Fault;
  fired: number;
  random: () => number;
}

function matches(match: FaultMatch, request: RequestInfo): boolean {
  if (typeof match === "string") return match === request.path;
  if (match instanceof RegExp) {
    match.lastIndex = 0; // a /g or /y expression would otherwise remember where it last matched
    return match.test(request.path);
  }
  return match(request);
}

function isNonNegativeNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Refuses a fault that could never behave as written, so a test cannot silently inject nothing. */
function validateFault(fault: Fault): void {
  const problem = (() => {
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times >= 0)) return "times";
    if (
      fault.probability !== undefined &&
      !(isNonNegativeNumber(fault.probability) && fault.probability <= 1)
    ) {
      return "probability";
    }
    switch (fault.kind) {
      case "status":
        return Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599
          ? undefined
          : "status";
      case "reset":
        return fault.when === undefined || fault.when === "before-headers" || fault.when === "after-headers"
          ? undefined
          : "when";
      case "truncate":
        return Number.isInteger(fault.afterBytes) && fault.afterBytes >= 0 ? undefined : "afterBytes";
      case "delay":
        return isNonNegativeNumber(fault.ms) ? undefined : "ms";
      case "slow":
        return isNonNegativeNumber(fault.bytesPerSecond) && fault.bytesPerSecond > 0
          ? undefined
          : "bytesPerSecond";
      case "stall":
        return undefined;
      case "encode":
        return typeof fault.encoding === "string" && /^[\w.-]+$/.test(fault.encoding)
          ? undefined
          : "encoding";
      default:
        return "kind";
    }
  })();
  if (problem !== undefined) {
    throw new TestOriginError("INVALID_FAULT", `invalid fault ${JSON.stringify(fault)}: bad ${problem}`);
  }
}

/** Faults in the order they were added; the first one that matches and is still armed fires, alone. */
export class FaultRegistry {
  private faults: Registered[] = [];
  private added = 0;

  constructor(private readonly seed: number) {}

  add(match: FaultMatch, fault: Fault): FaultHandle {
    validateFault(fault);
    // Each fault draws from its own stream, so adding a fault does not change when another one fires.
    const entry: Registered = {
      match,
      fault,
      fired: 0,
      random: seededRandom(this.seed ^ Math.imul(0x9e3779b9, ++this.added)),
    };
    this.faults.push(entry);
    return {
      get fired() {
        return entry.fired;
      },
      remove: () => {
        this.faults = this.faults.filter((candidate) => candidate !== entry);
      },
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** Picks the fault for this request and counts it as fired. */
  pick(request: RequestInfo): Fault | undefined {
    for (const entry of this.faults) {
      const { times, probability = 1 } = entry.fault;
      if (times !== undefined && entry.fired >= times) continue;
      if (!matches(entry.match, request)) continue;
      // Draw only for matching requests, so unrelated traffic does not shift the sequence.
      if (probability < 1 && entry.random() >= probability) continue;
      entry.fired++;
      return entry.fault;
    }
    return undefined;
  }
}
