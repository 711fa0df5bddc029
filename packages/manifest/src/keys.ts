import { KeyCollisionError, ManifestParseError, UnsafeReferenceError } from "./errors.js";
import { checkReference, type OriginPolicy } from "./safety.js";
import type { Resource, ResourceKind } from "./types.js";

/** Where resources on an allowed foreign host are stored, under `<host>/<path>`. */
export const EXTERNAL_PREFIX = "_external/";

export interface LocatedResource {
  readonly url: URL;
  readonly kind: ResourceKind;
}

const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** The directory part of a URL path, ending in `/`. */
export function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/") + 1);
}

/** Longest common directory (ending in `/`) of URL paths; `/` when they share nothing. */
export function commonDirectory(paths: Iterable<string>): string {
  let root: string | undefined;
  for (const path of paths) {
    // Under the common directory so far (which ends in `/`): it stays as it is.
    if (root !== undefined && path.startsWith(root)) continue;
    const dir = directoryOf(path);
    if (root === undefined) {
      root = dir;
      continue;
    }
    let length = 0;
    const max = Math.min(root.length, dir.length);
    while (length < max && root.charCodeAt(length) === dir.charCodeAt(length)) length++;
    root = directoryOf(root.slice(0, length));
  }
  return root ?? "/";
}

/**
 * Percent-decodes a key and refuses one that could escape its root once decoded (`..%2F`), holds NUL, or is
 * empty (a URL naming a directory cannot be stored as an object).
 */
export function decodeKey(encodedKey: string, url: string): string {
  let key = encodedKey;
  if (encodedKey.includes("%")) {
    try {
      key = decodeURIComponent(encodedKey);
    } catch (cause) {
      throw new ManifestParseError("INVALID_URL", `invalid percent-encoding in ${url}`, { cause });
    }
  }
  if (key === "" || key.endsWith("/")) {
    throw new ManifestParseError("INVALID_URL", `${url} names a directory, not a file`);
  }
  if (key.includes("\0")) {
    // The message shows the key as JSON: the NUL escaped, never raw.
    throw new UnsafeReferenceError(
      "KEY_ESCAPES_ROOT",
      url,
      `refusing ${url}: its key ${JSON.stringify(key)} contains a NUL character (%00)`,
    );
  }
  if (DOT_SEGMENT.test(key)) {
    throw new UnsafeReferenceError(
      "KEY_ESCAPES_ROOT",
      url,
      `refusing ${url}: its key ${JSON.stringify(key)} escapes the root`,
    );
  }
  return key;
}

/** The URL a resource is fetched from and identified by: without the fragment, query kept. */
export function resourceHref(url: URL): string {
  return url.hash ? url.href.slice(0, url.href.indexOf("#")) : url.href;
}

/**
 * DESIGN.md's key rule: keys are paths relative to the longest common directory of every resource on the entry's
 * origin, percent-decoded, without query; allowed foreign hosts go under `_external/<host>/`. Two different URLs
 * mapping to one key is an error naming both. Input must already be deduplicated by URL.
 */
export function assignKeys(
  items: readonly LocatedResource[],
  policy: OriginPolicy,
): { root: string; resources: Resource[] } {
  const onOrigin = items.map((item) => checkReference(item.url, policy));
  // Read once: each read of a URL's pathname makes a new string.
  const pathnames = items.map((item) => item.url.pathname);
  const rootPath = commonDirectory(pathnames.filter((_, index) => onOrigin[index]));
  const urlByKey = new Map<string, string>();
  const resources = items.map((item, index): Resource => {
    const href = resourceHref(item.url);
    const pathname = pathnames[index] as string;
    const encoded = onOrigin[index]
      ? pathname.slice(rootPath.length)
      : `${EXTERNAL_PREFIX}${item.url.host}${pathname}`;
    const key = decodeKey(encoded, href);
    const previous = urlByKey.get(key);
    if (previous !== undefined && previous !== href) throw new KeyCollisionError(key, previous, href);
    urlByKey.set(key, href);
    return { url: href, key, kind: item.kind };
  });
  return { root: `${policy.origin}${rootPath}`, resources };
}
