/**
 * Egress: serves the packaged files under `/out/v1/…` as MediaPackage's egress does: GET and HEAD, one byte
 * range per request, and with CDN authorization on the group a 404 for any request that lacks the right
 * `X-MediaPackage-CDNIdentifier` (a 404, not a 403: MediaPackage does not reveal that the content exists).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseRange } from "@vod-harvest/manifest";
import { contentTypeFor } from "../content-type.js";
import { CDN_IDENTIFIER_HEADER, type CdnIdentifierReader } from "./cdn-auth.js";
import type { PackagingGroupRecord } from "./model.js";

export interface EgressDeps {
  readonly egressRoot: string;
  readonly areaGroup: (area: string) => PackagingGroupRecord | undefined;
  readonly cdnIdentifiers: CdnIdentifierReader;
}

export function isEgressPath(pathname: string): boolean {
  return pathname.startsWith("/out/v1/");
}

export async function serveEgress(
  request: IncomingMessage,
  response: ServerResponse,
  deps: EgressDeps,
): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD")
    return end(response, 405, { allow: "GET, HEAD" });
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? "/", "http://egress").pathname);
  } catch {
    return end(response, 404);
  }
  const parts = pathname.split("/");
  const group = deps.areaGroup(`${parts[3]}/${parts[4]}`);
  if (!group || !(await authorized(request, group, deps.cdnIdentifiers))) return end(response, 404);
  const root = resolve(deps.egressRoot);
  const file = resolve(root, `.${pathname}`);
  if (!file.startsWith(`${root}${sep}out${sep}v1${sep}`)) return end(response, 404);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return end(response, 404);

  const headers: Record<string, string | number> = {
    "content-type": contentTypeFor(file),
    "accept-ranges": "bytes",
    "last-modified": info.mtime.toUTCString(),
    etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
  };
  const range = parseRange(request.headers.range, info.size);
  if (range === "unsatisfiable") return end(response, 416, { "content-range": `bytes */${info.size}` });
  const offset = range?.offset ?? 0;
  const length = range?.length ?? info.size;
  if (range) headers["content-range"] = `bytes ${offset}-${offset + length - 1}/${info.size}`;
  headers["content-length"] = length;
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === "HEAD" || length === 0) {
    response.end();
    return;
  }
  await pipeline(createReadStream(file, { start: offset, end: offset + length - 1 }), response);
}

async function authorized(
  request: IncomingMessage,
  group: PackagingGroupRecord,
  reader: CdnIdentifierReader,
) {
  const secret = group.Authorization?.CdnIdentifierSecret;
  if (!secret) return true;
  const given = request.headers[CDN_IDENTIFIER_HEADER];
  if (typeof given !== "string") return false;
  try {
    return given === (await reader.read(secret));
  } catch {
    // The secret became unreadable: MediaPackage cannot authorize, so nothing is served.
    return false;
  }
}

function end(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-length": 0, ...headers });
  response.end();
}
