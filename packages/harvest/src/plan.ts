import {
  createOriginPolicy,
  enumerateAsset,
  type LoadedManifest,
  type ManifestLimits,
  parseEntryUrl,
  rewriteManifest,
} from "@vod-harvest/manifest";
import { validateKey } from "@vod-harvest/s3-sink/base";
import { ReservedKeyError, UnstorableKeyError } from "./errors.js";
import type { OriginClient } from "./http.js";
import {
  COMPLETION_RECORD_KEY,
  type HarvestPlan,
  type OriginRequest,
  type PlannedManifest,
} from "./types.js";

export interface PlanOptions {
  /** Fetches the manifests (its headers, retries and limits apply). */
  readonly client: OriginClient;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ManifestLimits>;
  /** Reference instant for dynamic MPDs. */
  readonly now?: Date;
}

/**
 * Crawls the asset over HTTP and builds the plan: every resource with its key, and every manifest's body to store
 * (absolute and path-absolute references made relative, everything else as served).
 */
export async function planHarvest(request: OriginRequest, options: PlanOptions): Promise<HarvestPlan> {
  const entry = parseEntryUrl(request.entryUrl);
  const allowHosts = [...(request.allowHosts ?? [])];
  const policy = createOriginPolicy(entry, allowHosts);
  const loaded = new Map<string, LoadedManifest>();
  const asset = await enumerateAsset(entry, (url, signal) => options.client.getText(url, policy, signal), {
    allowHosts,
    signal: options.signal,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.now ? { now: options.now } : {}),
    onManifest: (manifest) => loaded.set(manifest.url.href, manifest),
  });

  const manifests: PlannedManifest[] = [];
  for (const resource of asset.resources) {
    if (resource.key === COMPLETION_RECORD_KEY) throw new ReservedKeyError(resource.url, resource.key);
    // Every sink's key rule (lengths included), at plan time: `plan` refuses exactly what `copy` would.
    try {
      validateKey(resource.key);
    } catch (error) {
      throw new UnstorableKeyError(resource.url, error);
    }
    if (resource.kind !== "manifest") continue;
    const manifest = loaded.get(resource.url);
    // enumerateAsset loads every manifest it lists; a miss is a broken invariant, not bad input.
    if (manifest === undefined)
      throw new TypeError(`internal: manifest ${resource.url} was listed but not loaded`);
    const rewrite = rewriteManifest(manifest.text, {
      manifestUrl: manifest.url,
      root: asset.root,
      parsed: manifest.parsed,
    });
    manifests.push({
      url: resource.url,
      key: resource.key,
      body: rewrite.text,
      // Also when DASH remote elements were inlined: the stored MPD then differs from the origin's.
      rewritten: rewrite.rewritten > 0 || manifest.remoteElements.length > 0,
      ...(rewrite.kept.length > 0 ? { keptAbsolute: rewrite.kept } : {}),
    });
  }
  return {
    entryUrl: entry.href,
    entryKey: asset.entry.key,
    root: asset.root,
    allowHosts,
    resources: asset.resources,
    manifests,
  };
}
