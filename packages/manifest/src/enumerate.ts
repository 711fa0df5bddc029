import type { ManifestLimits, ParsedManifest, Resource } from "./types.js";

export interface EnumerateOptions {
  /** Hosts (hostname or hostname:port) besides the entry's origin whose resources may be copied. */
  readonly allowHosts?: readonly string[];
  readonly now?: Date;
  readonly limits?: Partial<ManifestLimits>;
  /** Called once per manifest fetched, in crawl order (the entry first). */
  readonly onManifest?: (manifest: LoadedManifest) => void;
}

export interface LoadedManifest {
  readonly url: URL;
  readonly text: string;
  readonly parsed: ParsedManifest;
}

/** Everything one asset is made of, keyed by DESIGN.md's key rule. */
export interface AssetPlan {
  /** The entry manifest's resource (also first in `resources`). */
  readonly entry: Resource;
  /** Origin + root directory every key is relative to, e.g. `https://host/out/v1/group/`. */
  readonly root: string;
  /** Every file once, entry first, then document order of the crawl. */
  readonly resources: readonly Resource[];
}

/** Fetches manifest text: the caller owns the network (HTTP in harvest, files in tests). */
export type ManifestLoader = (url: URL, signal?: AbortSignal) => Promise<string>;

export async function enumerateAsset(
  _entryUrl: string | URL,
  _load: ManifestLoader,
  _options: EnumerateOptions = {},
): Promise<AssetPlan> {
  throw new Error("not implemented yet");
}
