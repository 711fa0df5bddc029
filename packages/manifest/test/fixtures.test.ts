// Every feature fixture is a real-shaped manifest paired with `<name>.expected.json`; an orphan on either side fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { inlineRemoteElements } from "../src/dash/inline.js";
import { parseManifest } from "../src/parse.js";
import { resolveReferences } from "../src/resolve.js";
import type { MediaRole } from "../src/types.js";
import {
  EXPECTED_SUFFIX,
  type Expected,
  FIXTURE_ORIGIN,
  FIXTURES_DIR,
  listFiles,
  REMOTE_ELEMENT_SUFFIX,
  referenceToJson,
} from "./support/fixtures.js";

const files = listFiles(FIXTURES_DIR).filter((file) => !file.endsWith(".md"));
const expectations = new Set(files.filter((file) => file.endsWith(EXPECTED_SUFFIX)));
const remoteElementFiles = files.filter((file) => file.endsWith(REMOTE_ELEMENT_SUFFIX));
const manifests = files.filter(
  (file) => !file.endsWith(EXPECTED_SUFFIX) && !file.endsWith(REMOTE_ELEMENT_SUFFIX),
);

const readExpected = (file: string) =>
  JSON.parse(readFileSync(join(FIXTURES_DIR, `${file}${EXPECTED_SUFFIX}`), "utf8")) as Expected;

describe("fixture pairing", () => {
  test("there are fixtures for every format", () => {
    for (const format of ["hls/", "dash/", "mss/"]) {
      expect(
        manifests.some((file) => file.startsWith(format)),
        `no ${format} fixture`,
      ).toBe(true);
    }
  });
  test("every manifest has an expectation and every expectation a manifest", () => {
    const orphanManifests = manifests.filter((file) => !expectations.has(`${file}${EXPECTED_SUFFIX}`));
    const orphanExpectations = [...expectations].filter(
      (file) => !manifests.includes(file.slice(0, -EXPECTED_SUFFIX.length)),
    );
    expect({ orphanManifests, orphanExpectations }).toEqual({ orphanManifests: [], orphanExpectations: [] });
  });
  test("every remote element file is named by an expectation, and every one named exists", () => {
    const named = manifests.flatMap((file) =>
      expectations.has(`${file}${EXPECTED_SUFFIX}`)
        ? Object.values(readExpected(file).remoteElements ?? {})
        : [],
    );
    expect([...new Set(named)].sort()).toEqual(remoteElementFiles);
  });
});

describe.each(manifests)("fixture %s", (file) => {
  test("parses to its expected references", () => {
    const served = readFileSync(join(FIXTURES_DIR, file), "utf8");
    const expected = readExpected(file);
    const remote = Object.entries(expected.remoteElements ?? {});
    if (remote.length > 0) {
      // Alone, the MPD cannot be parsed: its remote elements are named, every one of them.
      expect(() => parseManifest(served)).toThrow(
        expect.objectContaining({ code: "REMOTE_ELEMENTS_NEEDED", hrefs: remote.map(([href]) => href) }),
      );
    }
    const text = inlineRemoteElements(
      served,
      new Map(remote.map(([href, path]) => [href, readFileSync(join(FIXTURES_DIR, path), "utf8")])),
    );
    const given = expected.options;
    const url = new URL(`${file}${given?.query ?? ""}`, FIXTURE_ORIGIN);
    const options = {
      ...(given?.role ? { role: given.role as MediaRole } : {}),
      ...(given?.now ? { now: new Date(given.now) } : {}),
      query: url.search,
      ...(given?.parentVariables ? { parentVariables: new Map(Object.entries(given.parentVariables)) } : {}),
    };
    const parse = () => parseManifest(text, options);
    if ("error" in expected) {
      expect(() => resolveReferences(parse(), url)).toThrow(expect.objectContaining(expected.error));
    } else {
      const parsed = parse();
      expect(resolveReferences(parsed, url).map(referenceToJson)).toEqual(expected.references);
      if (expected.variables) expect(Object.fromEntries(parsed.variables ?? [])).toEqual(expected.variables);
    }
  });
});
