// The stored plan is read back from a bucket others can write to: every field is checked before it is used.
import { describe, expect, test } from "vitest";
import { planProblem } from "../src/state-schemas.js";

const plan = {
  entryUrl: "https://origin.test/out/v1/a/index.m3u8",
  entryKey: "index.m3u8",
  root: "https://origin.test/out/v1/a/",
  allowHosts: ["origin.test"],
  resources: [
    { url: "https://origin.test/out/v1/a/index.m3u8", key: "index.m3u8", kind: "manifest" },
    { url: "https://origin.test/out/v1/a/1.ts", key: "1.ts", kind: "media" },
  ],
  manifests: [
    {
      url: "https://origin.test/out/v1/a/index.m3u8",
      key: "index.m3u8",
      body: "#EXTM3U\n",
      rewritten: false,
    },
  ],
};

describe("stored plan", () => {
  test("a plan as the harvest writes it passes, unknown fields kept", () => {
    expect(planProblem(plan)).toBeUndefined();
    expect(planProblem({ ...plan, writtenBy: "a newer version" })).toBeUndefined();
  });

  test.each([
    ["not an object", "plan", "(plan)"],
    [
      "a resource without a key",
      { ...plan, resources: [{ url: plan.entryUrl, kind: "media" }] },
      "resources.0.key",
    ],
    [
      "a resource of an unknown kind",
      { ...plan, resources: [{ ...plan.resources[1], kind: "script" }] },
      "resources.0.kind",
    ],
    [
      "a file: URL to fetch",
      { ...plan, resources: [{ ...plan.resources[1], url: "file:///etc/passwd" }] },
      "resources.0.url",
    ],
    ["no resources", { ...plan, resources: [] }, "resources"],
    [
      "a manifest body that is not text",
      { ...plan, manifests: [{ ...plan.manifests[0], body: 7 }] },
      "manifests.0.body",
    ],
    ["allowHosts not a list", { ...plan, allowHosts: "origin.test" }, "allowHosts"],
  ])("%s → refused, naming %s", (_case, value, path) => {
    expect(planProblem(value)).toMatch(new RegExp(`^${path.replace(/[.()]/g, "\\$&")}: `));
  });
});
