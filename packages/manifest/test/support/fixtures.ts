import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Reference } from "../../src/types.js";

export const FIXTURES_DIR = new URL("../fixtures/", import.meta.url).pathname;
/** Every fixture is parsed as if served from here, plus its path under test/fixtures. */
export const FIXTURE_ORIGIN = "https://origin.example/vod/";
export const EXPECTED_SUFFIX = ".expected.json";
/** A DASH remote element's content, named by an expectation's `remoteElements` (never a fixture of its own). */
export const REMOTE_ELEMENT_SUFFIX = ".xlink.xml";

export interface ExpectedReference {
  url: string;
  kind: string;
  byteRange?: { offset: number; length: number };
  role?: string;
}

/**
 * `options.query` is the query string of the fixture's URL and `options.parentVariables` the variables of a
 * referring multivariant playlist (HLS EXT-X-DEFINE QUERYPARAM / IMPORT); `variables`, when given, is what the
 * parse must report as defined, in definition order.
 */
export type Expected = {
  options?: { role?: string; now?: string; query?: string; parentVariables?: Record<string, string> };
  /**
   * DASH remote elements: each `xlink:href` as written → the fixture file (path under test/fixtures) holding
   * what the origin serves there. The fixture is parsed with them inlined, as the crawl does.
   */
  remoteElements?: Record<string, string>;
} & (
  | { references: ExpectedReference[]; variables?: Record<string, string> }
  | { error: { name: string; code: string } }
);

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** The JSON shape a resolved reference is compared in. */
export function referenceToJson(reference: Reference): ExpectedReference {
  return {
    url: reference.url.href,
    kind: reference.kind,
    ...(reference.byteRange ? { byteRange: { ...reference.byteRange } } : {}),
    ...(reference.role ? { role: reference.role } : {}),
  };
}
