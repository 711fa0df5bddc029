import { commonDirectory } from "@vod-harvest/manifest";
import type { ObjectSink } from "@vod-harvest/s3-sink";
import { runPool } from "./pool.js";

/** Listings (and HEADs) in flight at once while finding what is present. */
const LISTING_CONCURRENCY = 8;

/** More loose files than this beside the subdirectories: one listing of their directory beats a HEAD each. */
const MAX_HEADS = 16;

/** How to find the sizes of a set of keys: a listing per subdirectory and a HEAD per loose file, or one listing. */
export interface ListingPlan {
  /** Prefixes (ending in `/`, or "" for the sink's root) each listed whole. */
  readonly prefixes: readonly string[];
  /** Keys asked for one by one. */
  readonly heads: readonly string[];
}

/**
 * The longest directory (`a/b/`) every key lies under; "" when they share none (or there are none). Keys are URL
 * paths without their leading `/`: the manifest package's rule, applied to them.
 */
export function commonKeyDirectory(keys: readonly string[]): string {
  return commonDirectory(keys.map((key) => `/${key}`)).slice(1);
}

/**
 * Splits the keys below their common directory into one listing per first-level subdirectory (listed in
 * parallel: one S3 listing is a chain of pages, 1,000 keys each, that cannot be fetched in parallel) and a HEAD per
 * file directly in the common directory. Many such files: the common directory is listed instead, once.
 */
export function planListing(keys: readonly string[]): ListingPlan {
  const common = commonKeyDirectory(keys);
  const prefixes = new Set<string>();
  const heads: string[] = [];
  for (const key of keys) {
    const slash = key.indexOf("/", common.length);
    if (slash === -1) heads.push(key);
    else prefixes.add(key.slice(0, slash + 1));
  }
  if (heads.length > MAX_HEADS) return { prefixes: [common], heads: [] };
  return { prefixes: [...prefixes], heads };
}

/**
 * Every present object under the places the keys live in, with its size (at least every one of `keys` that is
 * there; objects beside them may be included). A failed listing or HEAD fails the lot.
 */
export async function listPresent(
  sink: ObjectSink,
  keys: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const present = new Map<string, number>();
  const { prefixes, heads } = planListing(keys);
  const work: Array<() => Promise<void>> = [
    ...prefixes.map((prefix) => async () => {
      for await (const object of sink.list(prefix, signal)) present.set(object.key, object.size);
    }),
    ...heads.map((key) => async () => {
      const object = await sink.head(key, signal);
      if (object !== undefined) present.set(object.key, object.size);
    }),
  ];
  await runPool(work.values(), LISTING_CONCURRENCY, (task) => task());
  return present;
}
