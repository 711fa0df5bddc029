// Every feature fixture of packages/manifest, served with the resources it names, copied end to end by harvest().
import { readdirSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import {
  inlineRemoteElements,
  type MediaRole,
  parseManifest,
  resolveReferences,
} from "@vod-harvest/manifest";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { COMPLETION_RECORD_KEY, copyPlan, createOriginClient, harvest, planHarvest } from "../src/index.js";
import {
  type Expected,
  type ExpectedReference,
  expectedKeys,
  FIXTURE_ORIGIN,
  FIXTURES_DIR,
  fixtureFiles,
  foreignHosts,
  isRewrittenForm,
  readExpected,
  rebaseText,
  servedPath,
  writeServedFile,
} from "./fixture-origin.js";
import { readTree, tempDir } from "./support.js";

/**
 * Fixtures that cannot be copied end to end, each with the reason. A fixture listed here is reported as skipped
 * with its reason; one that is not listed runs. Keep it empty unless a fixture truly cannot be served.
 */
const CANNOT_BE_SERVED: Readonly<Record<string, string>> = {};

const fixtures = readdirSync(FIXTURES_DIR, { recursive: true, withFileTypes: true })
  .filter(
    (entry) =>
      entry.isFile() &&
      !entry.name.endsWith(".expected.json") &&
      !entry.name.endsWith(".md") &&
      !entry.name.endsWith(".xlink.xml"), // a remote element's content, served with its MPD
  )
  .map((entry) => relative(FIXTURES_DIR, join(entry.parentPath, entry.name)))
  .sort();

const FIXTURE_HOST = new URL(FIXTURE_ORIGIN).host;
const COPY_BASE = "https://copy.example/any/prefix/";

let work: { path: string; remove: () => Promise<void> };
let origins: TestOrigin[];

beforeEach(async () => {
  work = await tempDir();
  origins = [];
});

afterEach(async () => {
  await Promise.all(origins.map((origin) => origin.close()));
  await work.remove();
});

/** One test origin per host the fixture names, each serving its own directory. */
async function serve(fixture: string, references: readonly ExpectedReference[], text: string) {
  const hosts = new Map<string, string>();
  const byHost = new Map<string, TestOrigin>();
  for (const host of [FIXTURE_HOST, ...foreignHosts(references)]) {
    const root = join(work.path, "origins", host);
    await mkdir(root, { recursive: true });
    const origin = await startTestOrigin({ root });
    origins.push(origin);
    hosts.set(host, origin.url);
    byHost.set(host, origin);
  }
  const files = fixtureFiles(fixture, text, references, hosts);
  for (const file of files) await writeServedFile(join(work.path, "origins", file.host), file);
  return { hosts, byHost, files, main: byHost.get(FIXTURE_HOST) as TestOrigin };
}

/** Serves each remote element at its href (resolved against the fixture's URL); returns them by href as served. */
async function serveRemoteElements(fixture: string, expected: Expected, hosts: ReadonlyMap<string, string>) {
  const served = new Map<string, string>();
  for (const [href, path] of Object.entries(expected.remoteElements ?? {})) {
    const url = new URL(href, new URL(fixture, FIXTURE_ORIGIN));
    const body = await readFile(join(FIXTURES_DIR, path));
    await writeServedFile(join(work.path, "origins", url.host), {
      host: url.host,
      path: servedPath(url),
      body,
      manifest: false,
    });
    served.set(rebaseText(href, hosts), body.toString("utf8"));
  }
  return served;
}

/** How the fixture's own text is parsed as served (the stored copy is parsed without its query). */
function parseOptions(expected: Expected, asServed = true) {
  return {
    ...(expected.options?.role ? { role: expected.options.role as MediaRole } : {}),
    ...(expected.options?.now ? { now: new Date(expected.options.now) } : {}),
    ...(asServed && expected.options?.query ? { query: expected.options.query } : {}),
  };
}

/** True when the manifest refers to something by an http(s), scheme-relative or path-absolute reference. */
function hasRewrittenForm(text: string, expected: Expected): boolean {
  return parseManifest(text, parseOptions(expected)).references.some(
    (reference) => isRewrittenForm(reference.uri) || reference.bases.some(isRewrittenForm),
  );
}

/** Keys a stored manifest's references reach once it is placed at COPY_BASE + key (query dropped, decoded). */
function keysReached(text: string, key: string, expected: Expected): string[] {
  const placed = new URL(key, COPY_BASE);
  // The copy is read from its new place, where the origin's query string is gone.
  return resolveReferences(parseManifest(text, parseOptions(expected, false)), placed).map((reference) => {
    const href = `${reference.url.origin}${reference.url.pathname}`;
    if (!href.startsWith(COPY_BASE)) return `outside the copy: ${reference.url.href}`;
    return servedPath(new URL(href)).slice(new URL(COPY_BASE).pathname.length);
  });
}

/** The fixture URL's query (EXT-X-DEFINE QUERYPARAM) with the fixture hosts in its values pointed at their origins. */
function rebaseQuery(query: string, hosts: ReadonlyMap<string, string>): string {
  if (query === "") return "";
  const rebased = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(query)) rebased.append(name, rebaseText(value, hosts));
  return `?${rebased}`;
}

/**
 * The text a playlist is stored with when it takes variables from its URL's query: the copy is read without that
 * query, so each `EXT-X-DEFINE:QUERYPARAM="n"` must be stored as `NAME="n",VALUE="<the value used>"`.
 */
function withQueryValuesDefined(text: string, query: string): string {
  const params = new URLSearchParams(query);
  return text.replace(
    /#EXT-X-DEFINE:QUERYPARAM="([^"]*)"/g,
    (_, name: string) => `#EXT-X-DEFINE:NAME="${name}",VALUE="${params.get(name)}"`,
  );
}

async function copyFixture(fixture: string, expected: Expected, served: Awaited<ReturnType<typeof serve>>) {
  const sink = createDirectorySink(join(work.path, "copy"));
  const entryUrl =
    served.main.urlOf(servedPath(new URL(fixture, FIXTURE_ORIGIN))) +
    rebaseQuery(expected.options?.query ?? "", served.hosts);
  const allowHosts = [...served.hosts.entries()]
    .filter(([host]) => host !== FIXTURE_HOST)
    .map(([, base]) => new URL(base).host);
  const request = { entryUrl, allowHosts };
  const now = expected.options?.now;
  if (now === undefined) return harvest(request, sink, { concurrency: 8 });
  // A dynamic MPD is enumerated at a given instant; harvest() takes none, so plan with it and copy the plan.
  const client = createOriginClient({ connections: 8 });
  try {
    const plan = await planHarvest(request, { client, now: new Date(now) });
    return await copyPlan(plan, sink, { client, concurrency: 8 });
  } finally {
    await client.close();
  }
}

const runnable = fixtures.filter((fixture) => CANNOT_BE_SERVED[fixture] === undefined);
const listed = fixtures.filter((fixture) => CANNOT_BE_SERVED[fixture] !== undefined);

describe("every manifest fixture, copied end to end into the directory sink", () => {
  test("the table of fixtures that cannot be served names only existing fixtures", () => {
    expect(Object.keys(CANNOT_BE_SERVED).filter((name) => !fixtures.includes(name))).toEqual([]);
    expect(fixtures.length).toBeGreaterThan(30);
  });

  test.each(runnable)("%s", async (fixture) => {
    const expected = await readExpected(fixture);
    const text = await readFile(join(FIXTURES_DIR, fixture), "utf8");
    if (expected.options?.parentVariables !== undefined && !("error" in expected)) {
      // A media playlist that IMPORTs variables parses only under its multivariant parent (RFC 8216bis); given as
      // the entry it has none, so the copy is refused before anything is written.
      const served = await serve(fixture, [], text);
      const error = await copyFixture(fixture, expected, served).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: "ManifestParseError", code: "UNDEFINED_VARIABLE" });
      expect((await readTree(join(work.path, "copy")).catch(() => new Map())).size).toBe(0);
      return;
    }
    if ("error" in expected) {
      // Nothing to copy: the engine must refuse with the fixture's typed error and write nothing.
      const served = await serve(fixture, [], text);
      const error = await copyFixture(fixture, expected, served).catch((caught: unknown) => caught);
      expect(error).toMatchObject(expected.error);
      expect((await readTree(join(work.path, "copy")).catch(() => new Map())).size).toBe(0);
      return;
    }
    const served = await serve(fixture, expected.references, text);
    const remoteElements = await serveRemoteElements(fixture, expected, served.hosts);
    const result = await copyFixture(fixture, expected, served);
    expect(result.failed).toEqual([]);
    expect(result.status).toBe("COMPLETE");

    const want = expectedKeys(served.files, served.hosts);
    const stored = await readTree(join(work.path, "copy"));
    expect(stored.has(COMPLETION_RECORD_KEY)).toBe(true);
    stored.delete(COMPLETION_RECORD_KEY);
    expect([...stored.keys()].sort()).toEqual([...want.keys()].sort());

    for (const [key, file] of want) {
      const copy = stored.get(key) as Buffer;
      if (!file.manifest) {
        expect(copy.equals(file.body), `${key} differs from the origin's bytes`).toBe(true);
        continue;
      }
      // An MPD with remote elements is stored with them inlined (it then plays without fetching them).
      const originText = inlineRemoteElements(file.body.toString("utf8"), remoteElements);
      if (!hasRewrittenForm(originText, expected)) {
        const query = rebaseQuery(expected.options?.query ?? "", served.hosts);
        expect(copy.toString("utf8"), `${key} should be stored as served`).toBe(
          withQueryValuesDefined(originText, query),
        );
      }
      // Placed anywhere, every reference of the stored manifest reaches a stored object.
      const missing = keysReached(copy.toString("utf8"), key, expected).filter((target) => !want.has(target));
      expect(missing, `${key} refers to objects that are not in the copy`).toEqual([]);
    }
    // Each file is fetched once, byte ranges of one file included.
    for (const origin of served.byHost.values()) {
      const gets = origin.requests.filter((request) => request.method === "GET").map((r) => r.path);
      expect(gets.filter((path, index) => gets.indexOf(path) !== index)).toEqual([]);
    }
  });

  for (const fixture of listed) {
    console.warn(`*** SKIPPED fixture ${fixture}: ${CANNOT_BE_SERVED[fixture]} ***`);
    test.skip(`${fixture} (cannot be served: ${CANNOT_BE_SERVED[fixture]})`, () => {});
  }
});
