import { inlineRemoteElements } from "./dash/inline.js";
import { ManifestLimitError, ManifestParseError, RemoteElementsNeededError } from "./errors.js";
import { assignKeys, decodeKey, type LocatedResource, resourceHref } from "./keys.js";
import { resolveLimits } from "./limits.js";
import { parseManifest } from "./parse.js";
import { resolveReferences } from "./resolve.js";
import { checkReference, createOriginPolicy } from "./safety.js";
import type { HlsVariables, ManifestLimits, MediaRole, ParsedManifest, Resource } from "./types.js";

export interface EnumerateOptions {
  /** Hosts (hostname or hostname:port) besides the entry's origin whose resources may be copied. */
  readonly allowHosts?: readonly string[];
  readonly now?: Date;
  readonly limits?: Partial<ManifestLimits>;
  /** Child manifests loaded at once; results are still taken in document order. Default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once per manifest fetched, in crawl order (the entry first). */
  readonly onManifest?: (manifest: LoadedManifest) => void;
}

export interface LoadedManifest {
  readonly url: URL;
  /** The text to store: as served, but with DASH remote elements inlined (see inlineRemoteElements). */
  readonly text: string;
  readonly parsed: ParsedManifest;
  /** The DASH remote elements fetched and inlined into `text`, in fetch order. */
  readonly remoteElements: readonly URL[];
}

/** Everything one asset is made of, keyed by DESIGN.md's key rule. */
export interface AssetPlan {
  /** The entry manifest's resource (also first in `resources`). */
  readonly entry: Resource;
  /** Origin + root directory every key is relative to, e.g. `https://host/out/v1/group/`. */
  readonly root: string;
  /** Every file once, entry first, then in crawl order: each manifest's references in document order. */
  readonly resources: readonly Resource[];
}

/** Fetches manifest text: the caller owns the network (HTTP in harvest, files in tests). */
export type ManifestLoader = (url: URL, signal?: AbortSignal) => Promise<string>;

/** A remote element's URL: its href resolved against the MPD's own URL (the XLink base), fragment dropped. */
function remoteElementUrl(href: string, mpdUrl: URL): URL {
  // An empty reference would name the MPD itself: inlining it into itself never ends.
  if (href === "") throw new ManifestParseError("INVALID_URL", `empty xlink:href in ${mpdUrl.href}`);
  let url: URL;
  try {
    url = new URL(href, mpdUrl);
  } catch (cause) {
    throw new ManifestParseError("INVALID_URL", `invalid xlink:href "${href}" (base ${mpdUrl.href})`, {
      cause,
    });
  }
  url.hash = "";
  return url;
}

export function parseEntryUrl(entryUrl: string | URL): URL {
  if (entryUrl instanceof URL) return entryUrl;
  try {
    return new URL(entryUrl);
  } catch (cause) {
    throw new ManifestParseError("INVALID_URL", `invalid entry URL "${entryUrl}"`, { cause });
  }
}

/** A manifest to load, with what its parent tells about it. */
interface QueuedManifest {
  readonly url: URL;
  readonly role: MediaRole;
  /** The variables of the multivariant playlist that referred to it (HLS IMPORT); undefined for the entry. */
  readonly parentVariables: HlsVariables | undefined;
}

interface PendingManifest extends QueuedManifest {
  readonly text: Promise<string>;
}

const NO_VARIABLES: HlsVariables = new Map();

/** Rounds of remote elements inside remote elements before the crawl gives up (a loop, or absurd nesting). */
const MAX_REMOTE_ELEMENT_DEPTH = 4;

/**
 * Crawls an asset from its entry manifest: every child manifest is loaded (a few at a time) and parsed in turn,
 * breadth first, so resources come in document order of each manifest. Every URL is checked against the origin
 * policy before it is loaded or listed; duplicates (same URL, any byte range) are one resource, first kind wins.
 */
export async function enumerateAsset(
  entryUrl: string | URL,
  load: ManifestLoader,
  options: EnumerateOptions = {},
): Promise<AssetPlan> {
  const entry = parseEntryUrl(entryUrl);
  entry.hash = "";
  const policy = createOriginPolicy(entry, options.allowHosts);
  checkReference(entry, policy);
  const limits = resolveLimits(options.limits);
  const concurrency = Math.max(1, options.concurrency ?? 8);

  const found = new Map<string, LocatedResource>([[entry.href, { url: entry, kind: "manifest" }]]);
  const queue: QueuedManifest[] = [{ url: entry, role: "media", parentVariables: undefined }];
  const inFlight: PendingManifest[] = [];
  let manifests = 0;

  const startLoads = () => {
    while (inFlight.length < concurrency && queue.length > 0) {
      const next = queue.shift() as QueuedManifest;
      const text = load(next.url, options.signal);
      text.catch(() => {}); // observed below, in order; avoid an unhandled rejection meanwhile
      inFlight.push({ ...next, text });
    }
  };

  /** Every manifest loaded besides the entry (DASH remote elements included) counts against maxManifests. */
  const countManifest = () => {
    if (++manifests >= limits.maxManifests) {
      throw new ManifestLimitError(
        "TOO_MANY_MANIFESTS",
        `more than ${limits.maxManifests} manifests in one asset`,
      );
    }
  };

  /**
   * Parses a loaded manifest. A DASH MPD with remote elements is parsed again after they are fetched (same origin
   * rules and limits as manifests) and inlined, nested ones round after round up to MAX_REMOTE_ELEMENT_DEPTH.
   */
  const parseLoaded = async (current: QueuedManifest, served: string): Promise<LoadedManifest> => {
    let text = served;
    const remoteElements: URL[] = [];
    for (let depth = 0; ; depth++) {
      try {
        const parsed = parseManifest(text, {
          role: current.role,
          now: options.now,
          limits: options.limits,
          query: current.url.search,
          parentVariables: current.parentVariables,
        });
        return { url: current.url, text, parsed, remoteElements };
      } catch (error) {
        if (!(error instanceof RemoteElementsNeededError)) throw error;
        if (depth >= MAX_REMOTE_ELEMENT_DEPTH) {
          throw new ManifestParseError(
            "UNSUPPORTED_FEATURE",
            `${current.url.href}: remote elements nest more than ${MAX_REMOTE_ELEMENT_DEPTH} deep (a loop?): ${error.message}`,
          );
        }
        const fetched = new Map<string, string>();
        for (const href of error.hrefs) {
          const url = remoteElementUrl(href, current.url);
          checkReference(url, policy);
          countManifest();
          options.signal?.throwIfAborted();
          fetched.set(href, await load(url, options.signal));
          remoteElements.push(url);
        }
        text = inlineRemoteElements(text, fetched);
      }
    }
  };

  startLoads();
  while (inFlight.length > 0) {
    const current = inFlight.shift() as PendingManifest;
    options.signal?.throwIfAborted();
    const loaded = await parseLoaded(current, await current.text);
    options.onManifest?.(loaded);
    const { parsed } = loaded;
    // Only a multivariant playlist hands variables down (RFC 8216bis §4.4.2.3 IMPORT), even when it defines none.
    const childVariables =
      parsed.format === "hls-multivariant" ? (parsed.variables ?? NO_VARIABLES) : undefined;
    for (const reference of resolveReferences(parsed, current.url)) {
      const href = resourceHref(reference.url);
      if (found.has(href)) continue;
      checkReference(reference.url, policy);
      if (found.size >= limits.maxResources) {
        throw new ManifestLimitError(
          "TOO_MANY_RESOURCES",
          `more than ${limits.maxResources} resources in one asset`,
        );
      }
      found.set(href, { url: reference.url, kind: reference.kind });
      if (reference.kind === "manifest") {
        decodeKey(reference.url.pathname, href); // refuse a `..%2F` escape before fetching, not after
        countManifest();
        queue.push({ url: reference.url, role: reference.role ?? "media", parentVariables: childVariables });
      }
    }
    startLoads();
  }

  const { root, resources } = assignKeys([...found.values()], policy);
  return { entry: resources[0] as Resource, root, resources };
}
