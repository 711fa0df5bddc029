// Every feature fixture is a real-shaped manifest paired with `<name>.expected.json`; an orphan on either side fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseManifest } from "../src/parse.js";
import { resolveReferences } from "../src/resolve.js";
import type { MediaRole } from "../src/types.js";
import {
  EXPECTED_SUFFIX,
  type Expected,
  FIXTURE_ORIGIN,
  FIXTURES_DIR,
  listFiles,
  referenceToJson,
} from "./support/fixtures.js";

const files = listFiles(FIXTURES_DIR).filter((file) => !file.endsWith(".md"));
const expectations = new Set(files.filter((file) => file.endsWith(EXPECTED_SUFFIX)));
const manifests = files.filter((file) => !file.endsWith(EXPECTED_SUFFIX));

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
});

describe.each(manifests)("fixture %s", (file) => {
  test("parses to its expected references", () => {
    const text = readFileSync(join(FIXTURES_DIR, file), "utf8");
    const expected = JSON.parse(
      readFileSync(join(FIXTURES_DIR, `${file}${EXPECTED_SUFFIX}`), "utf8"),
    ) as Expected;
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
