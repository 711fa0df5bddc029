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

/** The eight 16-bit groups of an IPv6 host (`[…]`, any spelling: `::`, a dotted IPv4 tail, a zone), or undefined. */
function ipv6Groups(hostname: string): number[] | undefined {
  let text = hostname.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!text.includes(":")) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const v4 = ipv4Octets(dotted);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -dotted.length)}${((v4[0] as number) * 256 + (v4[1] as number)).toString(16)}:${((v4[2] as number) * 256 + (v4[3] as number)).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}

const octetsOf = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff];

/**
 * The IPv4 addresses an IPv6 address carries or reaches: IPv4-mapped (::ffff:0:0/96), IPv4-translated
 * (::ffff:0:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96, which reaches that IPv4 address on a NAT64
 * network), 6to4 (2002::/16) and Teredo (2001::/32: server and inverted client address).
 */
function embeddedIpv4(groups: readonly number[]): number[][] {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const found: number[][] = [];
  if (zeros(0, 5) && g5 === 0xffff) found.push(octetsOf(g6, g7));
  if (zeros(0, 4) && g4 === 0xffff && g5 === 0) found.push(octetsOf(g6, g7));
  if (zeros(0, 6) && (g6 !== 0 || g7 > 1)) found.push(octetsOf(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && zeros(2, 6)) found.push(octetsOf(g6, g7));
  if (g0 === 0x2002) found.push(octetsOf(g1, g2));
  if (g0 === 0x2001 && g1 === 0) {
    found.push(octetsOf(g2, g3));
    found.push(octetsOf(g6 ^ 0xffff, g7 ^ 0xffff));
  }
  return found;
}

/** fd00:ec2::254, the AWS instance-metadata service over IPv6. */
const EC2_METADATA_V6 = [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254];

const isForbiddenIpv4 = (v4: readonly number[]) =>
  (v4[0] === 169 && v4[1] === 254) || v4.join(".") === "100.100.100.200";

/**
 * True for link-local and instance-metadata addresses: 169.254.0.0/16 (AWS, Azure, GCP metadata), 100.100.100.200
 * (Alibaba), fe80::/10, fd00:ec2::254 (AWS IPv6 metadata), every IPv6 address that embeds or reaches one of those
 * IPv4 addresses (see embeddedIpv4), and the metadata hostnames, with or without a trailing dot. Hostnames are
 * not resolved here (the package has no network): the HTTP layer re-checks resolved addresses with this function.
 */
export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_HOSTNAMES.has(host)) return true;
  const v4 = ipv4Octets(host);
  if (v4) return isForbiddenIpv4(v4);
  const groups = ipv6Groups(host);
  if (groups === undefined) return false;
  if (((groups[0] as number) & 0xffc0) === 0xfe80) return true;
  if (EC2_METADATA_V6.every((group, index) => groups[index] === group)) return true;
  return embeddedIpv4(groups).some(isForbiddenIpv4);
}

export interface OriginPolicy {
  /** The entry manifest's origin (scheme + host + port). */
  readonly origin: string;
  /** Extra hosts (`hostname` or `hostname:port`) whose resources may be copied. */
  readonly allowHosts: ReadonlySet<string>;
  /** Verdicts by `protocol//host`: an asset has a handful of hosts and up to millions of references. */
  readonly verdicts: Map<string, boolean>;
  /** The authority judged last, as its hrefs begin (`http://host:port/`), and its verdict (see checkReference). */
  readonly recent: { prefix: string | undefined; onOrigin: boolean };
}

export function createOriginPolicy(entry: URL, allowHosts: readonly string[] = []): OriginPolicy {
  return {
    origin: entry.origin,
    allowHosts: new Set(allowHosts.map((host) => host.toLowerCase())),
    verdicts: new Map(),
    recent: { prefix: undefined, onOrigin: false },
  };
}

/**
 * Refuses what DESIGN.md's key rule says never to fetch. Returns whether the URL is on the entry's origin
 * (false: an allowed external host). Call it before fetching anything, the entry included.
 */
export function checkReference(url: URL, policy: OriginPolicy): boolean {
  const { href } = url;
  // The authority judged last, as its href begins (`http://host:port/`): a serialized http(s) URL starting so has
  // that scheme and host and no userinfo. References come in runs on one host; no string is built for them.
  const { recent } = policy;
  if (recent.prefix !== undefined && href.startsWith(recent.prefix)) return recent.onOrigin;
  const authority = `${url.protocol}//${url.host}`;
  let onOrigin = policy.verdicts.get(authority);
  if (onOrigin === undefined) {
    onOrigin = judgeReference(url, policy);
    policy.verdicts.set(authority, onOrigin);
  }
  if (url.protocol === "http:" || url.protocol === "https:") {
    recent.prefix = `${authority}/`;
    recent.onOrigin = onOrigin;
  }
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
