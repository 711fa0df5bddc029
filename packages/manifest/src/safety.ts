import { UnsafeReferenceError } from "./errors.js";

/** Hostnames of cloud instance-metadata services, refused whatever the caller allows. */
const METADATA_HOSTNAMES = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "instance-data",
]);

/** Parses a dotted IPv4 host (the WHATWG URL parser has already canonicalised hex/octal/short forms). */
function ipv4Octets(hostname: string): number[] | undefined {
  const parts = hostname.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  return parts.map(Number);
}

/** The IPv4 address embedded in an IPv4-mapped IPv6 host such as `[::ffff:a9fe:a9fe]`. */
function mappedIpv4(hostname: string): number[] | undefined {
  const match = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/i.exec(hostname);
  if (!match?.[1] || !match[2]) return undefined;
  const high = Number.parseInt(match[1], 16);
  const low = Number.parseInt(match[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/**
 * True for link-local and instance-metadata addresses: 169.254.0.0/16 (AWS, Azure, GCP metadata), 100.100.100.200
 * (Alibaba), fe80::/10, fd00:ec2::254 (AWS IPv6 metadata) and the metadata hostnames.
 * Hostnames are not resolved here (the package has no network): the HTTP layer re-checks resolved addresses.
 */
export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_HOSTNAMES.has(host)) return true;
  const v4 = ipv4Octets(host) ?? mappedIpv4(host);
  if (v4) return (v4[0] === 169 && v4[1] === 254) || v4.join(".") === "100.100.100.200";
  if (host.startsWith("[")) {
    return /^\[fe[89ab][0-9a-f]:/i.test(host) || /^\[fd00:ec2::254\]$/i.test(host);
  }
  return false;
}

export interface OriginPolicy {
  /** The entry manifest's origin (scheme + host + port). */
  readonly origin: string;
  /** Extra hosts (`hostname` or `hostname:port`) whose resources may be copied. */
  readonly allowHosts: ReadonlySet<string>;
  /** Verdicts by `protocol//host`: an asset has a handful of hosts and up to millions of references. */
  readonly verdicts: Map<string, boolean>;
}

export function createOriginPolicy(entry: URL, allowHosts: readonly string[] = []): OriginPolicy {
  return {
    origin: entry.origin,
    allowHosts: new Set(allowHosts.map((host) => host.toLowerCase())),
    verdicts: new Map(),
  };
}

/**
 * Refuses what DESIGN.md's key rule says never to fetch. Returns whether the URL is on the entry's origin
 * (false: an allowed external host). Call it before fetching anything, the entry included.
 */
export function checkReference(url: URL, policy: OriginPolicy): boolean {
  const authority = `${url.protocol}//${url.host}`;
  const known = policy.verdicts.get(authority);
  if (known !== undefined) return known;
  const onOrigin = judgeReference(url, policy);
  policy.verdicts.set(authority, onOrigin);
  return onOrigin;
}

function judgeReference(url: URL, policy: OriginPolicy): boolean {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UnsafeReferenceError(
      "UNSUPPORTED_SCHEME",
      url.href,
      `refusing ${url.href}: only http and https URLs are fetched`,
    );
  }
  if (isForbiddenHost(url.hostname)) {
    throw new UnsafeReferenceError(
      "FORBIDDEN_ADDRESS",
      url.href,
      `refusing ${url.href}: link-local and instance-metadata addresses are never fetched`,
    );
  }
  if (url.origin === policy.origin) return true;
  if (policy.allowHosts.has(url.host) || policy.allowHosts.has(url.hostname)) return false;
  throw new UnsafeReferenceError(
    "FOREIGN_ORIGIN",
    url.href,
    `refusing ${url.href}: its host ${url.host} is not the entry's origin ${policy.origin}; allow it explicitly (--allow-host ${url.host})`,
  );
}
