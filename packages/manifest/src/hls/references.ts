import type { ResourceBudget } from "../limits.js";
import type { RawReference } from "../types.js";
import type { HlsTag } from "./tokenize.js";

/** HLS has no base chain: every reference resolves against the playlist's own URL. Shared, never mutated. */
export const NO_BASES: readonly string[] = Object.freeze([]);

/** Collects references in document order, counting each against the budget before keeping it. */
export class ReferenceList {
  readonly references: RawReference[] = [];
  constructor(private readonly budget: ResourceBudget) {}

  add(reference: RawReference): void {
    this.budget.reserve(1);
    this.references.push(reference);
  }
}

/**
 * A tag's URI attribute, as written. A tag that should have one but has not (or a blank one) names no resource:
 * it yields no reference rather than an error, as players skip it too (see index.ts).
 */
export function uriOf(tag: HlsTag): string | undefined {
  const uri = tag.attributes.URI;
  return uri === undefined || uri.trim() === "" ? undefined : uri;
}
