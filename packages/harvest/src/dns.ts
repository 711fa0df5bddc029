import { type LookupAddress, type LookupOptions, lookup } from "node:dns";
import { isForbiddenHost, UnsafeReferenceError } from "@vod-harvest/manifest";

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** Whether a resolved address (as dns.lookup gives it, IPv6 without brackets) is link-local or metadata. */
export function isForbiddenAddress(address: string, family: number): boolean {
  // The same check as for URLs: IPv6 in any spelling dns gives (dotted IPv4 tails included) is read group by group.
  return isForbiddenHost(family === 6 ? `[${address}]` : address);
}

/**
 * dns.lookup for the origin's sockets that refuses a name resolving to a forbidden address, so a hostname that
 * passed checkReference cannot be rebound to the instance-metadata service (169.254.169.254) at connect time.
 */
export function safeLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, options.all ? [] : "");
    const forbidden = addresses.find((entry) => isForbiddenAddress(entry.address, entry.family));
    if (forbidden !== undefined) {
      const refusal = new UnsafeReferenceError(
        "FORBIDDEN_ADDRESS",
        hostname,
        `refusing ${hostname}: it resolves to ${forbidden.address}, a link-local or instance-metadata address`,
      );
      return callback(refusal as NodeJS.ErrnoException, options.all ? [] : "");
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (first === undefined)
      return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "");
    return callback(null, first.address, first.family);
  });
}
