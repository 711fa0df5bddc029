import { ManifestLimitError } from "./errors.js";
import type { ManifestLimits } from "./types.js";

export const DEFAULT_LIMITS: ManifestLimits = {
  maxManifestBytes: 32 * 1024 * 1024,
  maxResources: 2_000_000,
  maxManifests: 10_000,
};

export function resolveLimits(overrides?: Partial<ManifestLimits>): ManifestLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/**
 * Counts references as a parser is about to produce them. Call `reserve(n)` before expanding n segments, so that
 * `r="2000000000"` fails at once instead of after allocating.
 */
export class ResourceBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  reserve(count: number, what = "references"): void {
    if (!Number.isFinite(count) || count < 0) {
      throw new ManifestLimitError("TOO_MANY_RESOURCES", `refusing an invalid count of ${what}: ${count}`);
    }
    this.used += count;
    if (this.used > this.max) {
      throw new ManifestLimitError(
        "TOO_MANY_RESOURCES",
        `more than ${this.max} ${what} in one manifest (limit maxResources)`,
      );
    }
  }
}
