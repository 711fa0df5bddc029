// Differential test over ../shared/corpus: every real manifest parses or fails with a typed ManifestError, and
// where the independent oracle is `ok` our URL set equals its own, except for the disagreements tabled below.
// Run alone with `pnpm test:corpus`; CORPUS_DIR overrides the corpus location (oracle: its sibling corpus-oracle).
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { ManifestError } from "../src/errors.js";
import { assignKeys } from "../src/keys.js";
import { parseManifest } from "../src/parse.js";
import { resolveReferences } from "../src/resolve.js";
import { createOriginPolicy } from "../src/safety.js";
import type { Reference } from "../src/types.js";
import { CORPUS_DISAGREEMENTS } from "./corpus-disagreements.js";

const repoRoot = resolve(new URL(".", import.meta.url).pathname, "../../..");
const corpusDir = resolve(repoRoot, process.env.CORPUS_DIR ?? "../shared/corpus");
const oracleDir = resolve(dirname(corpusDir), "corpus-oracle");
const ORACLE_ORIGIN = "https://origin.test/";

interface IndexEntry {
  file: string;
  kind: "dash" | "hls-media" | "hls-multivariant" | "mss";
  status: string;
}
interface Oracle {
  now?: string;
  resources?: string[];
  children?: { uri: string }[];
  unsupportedTags?: { resolvedUri?: string }[];
}

const available = existsSync(resolve(oracleDir, "INDEX.json"));
if (!available) {
  const message = `corpus not found at ${corpusDir} (or its oracle at ${oracleDir}); set CORPUS_DIR`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** SKIPPED: corpus differential test: ${message} ***\n`);
}
const index: IndexEntry[] = available
  ? JSON.parse(readFileSync(resolve(oracleDir, "INDEX.json"), "utf8"))
  : [];

function readOracle(file: string): Oracle {
  return JSON.parse(readFileSync(resolve(oracleDir, `${file}.oracle.json`), "utf8")) as Oracle;
}

/** The oracle's URL set for one file: byte ranges dropped, plus the URIs it reports under tags it does not parse. */
function oracleUrls(kind: IndexEntry["kind"], oracle: Oracle): Set<string> {
  const urls =
    kind === "hls-multivariant"
      ? (oracle.children ?? []).map((child) => child.uri)
      : (oracle.resources ?? []).map((entry) => entry.replace(/ \[bytes=\d+-\d+\]$/, ""));
  for (const tag of oracle.unsupportedTags ?? []) if (tag.resolvedUri) urls.push(tag.resolvedUri);
  return new Set(urls);
}

interface Outcome {
  /** Our URL set, or the typed error parsing refused the file with. */
  urls: Set<string> | ManifestError;
  /** The typed error the key rule refused the parsed URLs with (every host allowed), if any. */
  keyRefusal?: ManifestError;
}

function typed(error: unknown): ManifestError {
  if (error instanceof ManifestError) return error;
  throw error;
}

/** Parses and resolves one corpus file, then keys it with every host allowed. */
function outcomeFor(file: string, oracle: Oracle): Outcome {
  const manifestUrl = new URL(file, ORACLE_ORIGIN);
  const text = readFileSync(resolve(corpusDir, file), "utf8");
  const now = oracle.now ? new Date(oracle.now) : undefined;
  let references: Reference[];
  try {
    references = resolveReferences(parseManifest(text, { now }), manifestUrl);
  } catch (error) {
    return { urls: typed(error) };
  }
  const urls = new Set(references.map((reference) => reference.url.href));
  try {
    const hosts = [...new Set(references.map((reference) => reference.url.host))];
    const located = [{ url: manifestUrl, kind: "manifest" as const }, ...references];
    assignKeys(
      [...new Map(located.map((item) => [item.url.href, item])).values()],
      createOriginPolicy(manifestUrl, hosts),
    );
    return { urls };
  } catch (error) {
    return { urls, keyRefusal: typed(error) };
  }
}

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((url) => !b.has(url)).sort();
}

describe.skipIf(!available)("corpus", () => {
  test("the corpus is complete and every tabled disagreement names a corpus file", () => {
    expect(index.length).toBe(435);
    const files = new Set(index.map((entry) => entry.file));
    expect(Object.keys(CORPUS_DISAGREEMENTS).filter((file) => !files.has(file))).toEqual([]);
  });

  // Tuples, not objects: vitest shortens object fields in titles, and the full path must show.
  const rows = index.map((entry) => [entry.file, entry.kind, entry.status] as const);
  test.each(rows)("%s (%s, oracle %s)", (file, kind, status) => {
    const oracle = readOracle(file);
    const { urls, keyRefusal } = outcomeFor(file, oracle);
    const tabled = CORPUS_DISAGREEMENTS[file];
    if (urls instanceof ManifestError) {
      // A typed parse refusal is acceptable where the oracle failed too, or where the table says why.
      if (status === "ok" && tabled?.kind !== "refused") {
        throw new Error(`refused a file the oracle reads: ${urls.name} ${urls.message}`);
      }
      return;
    }
    if (keyRefusal) {
      expect(tabled?.kind, `key rule refused it: ${keyRefusal.message}`).toBe("keys");
      return;
    }
    expect(tabled?.kind ?? "none", "tabled as refused, but it parses and keys").not.toMatch(/refused|keys/);
    if (status !== "ok") return;
    const theirs = oracleUrls(kind, oracle);
    const diff = { missing: difference(theirs, urls), extra: difference(urls, theirs) };
    if (tabled) {
      // A tabled disagreement that has gone away must leave the table, so the table stays true.
      expect(
        diff.missing.length + diff.extra.length,
        `tabled as "${tabled.reason}" but now agrees`,
      ).toBeGreaterThan(0);
    } else {
      expect(diff).toEqual({ missing: [], extra: [] });
    }
  });
});
