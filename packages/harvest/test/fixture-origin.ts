import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { syntheticBytes } from "@vod-harvest/testing/test-origin";

/**
 * Builds origin trees for the manifest package's feature fixtures: the fixture itself plus every resource its
 * `<name>.expected.json` lists, as files on disk, so the engine can copy a fixture end to end.
 */

export const FIXTURES_DIR = new URL("../../manifest/test/fixtures/", import.meta.url).pathname;
/** The fixtures' expected references are resolved as if each were served here plus its path under fixtures/. */
export const FIXTURE_ORIGIN = "https://origin.example/vod/";
const FIXTURE_HOST = "origin.example";
const EXPECTED_SUFFIX = ".expected.json";

export interface ExpectedReference {
  readonly url: string;
  readonly kind: string;
  readonly byteRange?: { readonly offset: number; readonly length: number };
}

export type Expected = {
  readonly options?: {
    readonly role?: string;
    readonly now?: string;
    /** The query of the fixture's URL (HLS EXT-X-DEFINE QUERYPARAM). */
    readonly query?: string;
    /** The variables of a multivariant parent (HLS EXT-X-DEFINE IMPORT). */
    readonly parentVariables?: Readonly<Record<string, string>>;
  };
  /** DASH remote elements: `xlink:href` as written → the fixture file with what the origin serves there. */
  readonly remoteElements?: Readonly<Record<string, string>>;
} & (
  | { readonly references: readonly ExpectedReference[] }
  | { readonly error: { readonly name: string; readonly code: string } }
);

export async function readExpected(fixture: string): Promise<Expected> {
  return JSON.parse(await readFile(join(FIXTURES_DIR, `${fixture}${EXPECTED_SUFFIX}`), "utf8")) as Expected;
}

/** Hosts the fixture's references name besides origin.example: each needs its own test origin. */
export function foreignHosts(references: readonly ExpectedReference[]): string[] {
  const hosts = new Set(references.map((reference) => new URL(reference.url).host));
  hosts.delete(FIXTURE_HOST);
  return [...hosts].sort();
}

/** Where a fixture host is served from: the base URL of a test origin, e.g. `http://127.0.0.1:40123/`. */
export type HostMap = ReadonlyMap<string, string>;

/**
 * The fixture text with every absolute or scheme-relative mention of a mapped host pointed at its test origin.
 * Test-data preparation, not URL resolution: the engine sees an ordinary manifest naming 127.0.0.1 origins.
 */
export function rebaseText(text: string, hosts: HostMap): string {
  let out = text;
  for (const [host, base] of hosts) {
    const target = new URL(base);
    for (const scheme of ["https:", "http:"]) out = out.split(`${scheme}//${host}/`).join(target.href);
    out = out.split(`//${host}/`).join(`//${target.host}/`);
  }
  return out;
}

/** A served file: which origin (by fixture host), its decoded path, and its bytes. */
export interface ServedFile {
  readonly host: string;
  readonly path: string;
  readonly body: Buffer;
  /** The fixture or a child playlist (stored as served unless it had absolute references). */
  readonly manifest: boolean;
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A tiny valid media playlist with one segment of its own (for child playlists that are not fixtures). */
function childPlaylist(path: string): { text: string; segment: string } {
  const segment = `${baseName(path)}-0.ts`;
  return {
    text: `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n${segment}\n#EXT-X-ENDLIST\n`,
    segment,
  };
}

/** Decoded path of a URL as the test origin looks it up (each segment decoded, query dropped). */
export function servedPath(url: URL): string {
  return url.pathname
    .split("/")
    .map((segment) => decodeURIComponent(segment))
    .join("/");
}

/**
 * Every file of a fixture's origin tree: the (rebased) fixture, a child playlist plus its segment for every child
 * manifest reference, and for every other reference a deterministic synthetic body at least as long as the furthest
 * byte range it is referenced with.
 */
export function fixtureFiles(
  fixture: string,
  fixtureText: string,
  references: readonly ExpectedReference[],
  hosts: HostMap,
): ServedFile[] {
  const sizes = new Map<string, { host: string; path: string; size: number }>();
  const children = new Map<string, ServedFile>();
  for (const reference of references) {
    const url = new URL(reference.url);
    const path = servedPath(url);
    const id = `${url.host}${path}`;
    if (reference.kind === "manifest") {
      const child = childPlaylist(path);
      children.set(id, { host: url.host, path, body: Buffer.from(child.text), manifest: true });
      const segmentPath = `${dirname(path)}/${child.segment}`;
      sizes.set(`${url.host}${segmentPath}`, { host: url.host, path: segmentPath, size: 1000 });
      continue;
    }
    const end = reference.byteRange ? reference.byteRange.offset + reference.byteRange.length : 0;
    const floor = 300 + (seedOf(id) % 3000);
    const size = Math.max(end, floor, sizes.get(id)?.size ?? 0);
    sizes.set(id, { host: url.host, path, size });
  }
  const entryPath = servedPath(new URL(fixture, FIXTURE_ORIGIN));
  const files: ServedFile[] = [
    {
      host: FIXTURE_HOST,
      path: entryPath,
      body: Buffer.from(rebaseText(fixtureText, hosts), "utf8"),
      manifest: true,
    },
    ...children.values(),
  ];
  for (const { host, path, size } of sizes.values()) {
    files.push({ host, path, body: syntheticBytes(seedOf(`${host}${path}`), 0, size), manifest: false });
  }
  return files;
}

export async function writeServedFile(root: string, file: ServedFile): Promise<void> {
  const target = join(root, ...file.path.split("/"));
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, file.body);
}

/** Longest common directory (ending in `/`) of `/`-separated paths. */
function commonDirectory(paths: readonly string[]): string {
  const dirs = paths.map((path) => path.slice(0, path.lastIndexOf("/") + 1).split("/"));
  const first = dirs[0] ?? [""];
  let length = 0;
  while (length < first.length - 1 && dirs.every((dir) => dir[length] === first[length])) length++;
  return `${first.slice(0, length).join("/")}/`;
}

/**
 * The key each served file must be stored under (DESIGN.md's key rule, worked out independently of the engine):
 * relative to the common directory of every path on the entry's origin, `_external/<host:port>/` for the others.
 */
export function expectedKeys(files: readonly ServedFile[], hosts: HostMap): Map<string, ServedFile> {
  const root = commonDirectory(files.filter((file) => file.host === FIXTURE_HOST).map((file) => file.path));
  const keys = new Map<string, ServedFile>();
  for (const file of files) {
    const key =
      file.host === FIXTURE_HOST
        ? file.path.slice(root.length)
        : `_external/${new URL(hosts.get(file.host) as string).host}${file.path}`;
    keys.set(key, file);
  }
  return keys;
}

/** `https:`/`http:` URLs, scheme-relative and path-absolute references: the ones the engine rewrites. */
export function isRewrittenForm(reference: string): boolean {
  return /^https?:/i.test(reference.trim()) || reference.trim().startsWith("/");
}
