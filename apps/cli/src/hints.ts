/**
 * One extra line for errors whose usual cause the message alone does not tell. Matched on fields, not classes, so
 * that this module loads nothing of the engine.
 */

import { headerArgumentsInArgv } from "./redact.js";

/** MediaPackage VOD egress paths: `/out/v1/<group>/<configuration>/<asset>/…`. */
const MEDIAPACKAGE_EGRESS = /\/out\/v1\/[^/]+\/[^/]+\/[^/]+\//;
const CDN_HEADER = "x-mediapackage-cdnidentifier";

interface HttpFailure {
  readonly url: string;
  readonly status: number;
}

function httpFailureIn(error: unknown): HttpFailure | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const { url, status } = current as { url?: unknown; status?: unknown };
    if (typeof url === "string" && typeof status === "number") return { url, status };
    current = current.cause;
  }
  return undefined;
}

/** A hint line (ending with a newline) for this error, or "" when there is nothing more to say. */
export function hintFor(error: unknown, argv: readonly string[]): string {
  const failure = httpFailureIn(error);
  if (failure === undefined || (failure.status !== 404 && failure.status !== 403)) return "";
  let path: string;
  try {
    path = new URL(failure.url).pathname;
  } catch {
    return "";
  }
  if (!MEDIAPACKAGE_EGRESS.test(path)) return "";
  // Header names only: values are never looked at.
  const given = headerArgumentsInArgv(argv).some(
    (header) => (header.split(":")[0] ?? "").trim().toLowerCase() === CDN_HEADER,
  );
  return given
    ? "hint: MediaPackage answers 404 when the X-MediaPackage-CDNIdentifier value is not the packaging group's " +
        "current secret (check the secret named by its CDN authorization)\n"
    : "hint: a MediaPackage egress URL answers 404 without the packaging group's CDN identifier: add " +
        '-H "X-MediaPackage-CDNIdentifier: <value of the group\'s CDN identifier secret>"\n';
}
