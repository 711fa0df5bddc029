// What a harvest costs in Step Functions terms: state transitions (the standard workflow's billing unit) of one
// per-asset execution on its happy path, counted from the runner's events (one StateEntered per transition). The
// catalogue's cost estimate in docs/catalogue.md is built from these figures; the test holds their shape: a fixed
// part per asset plus the same part per endpoint, and a few more per extra harvest invocation.
import { describe, expect, test } from "vitest";
import { FakeMediaPackage, runWorkflow, SEED_INPUT } from "./harness.js";

const CONFIGS = ["hls", "cmaf", "dash", "mss"];

async function transitions(endpoints: number, invocations = 1): Promise<number> {
  const configs = CONFIGS.slice(0, endpoints);
  const mediaPackage = new FakeMediaPackage({ "pg-1": { configs } });
  const copies = Object.fromEntries(
    configs.map((config) => [config, { invocations, objects: 100, bytes: 1_000 }]),
  );
  const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
  expect(run.error).toBeUndefined();
  return run.events.filter((event) => (event as { type: string }).type === "StateEntered").length;
}

describe("state transitions of one per-asset execution", () => {
  test("a fixed part per asset, the same part per endpoint, a few per extra harvest invocation", async () => {
    const [one, two, four] = [await transitions(1), await transitions(2), await transitions(4)];
    const perEndpoint = two - one;
    const perAsset = one - perEndpoint;
    expect(perEndpoint).toBeGreaterThan(0);
    expect(four).toBe(perAsset + 4 * perEndpoint);
    const perInvocation = (await transitions(1, 2)) - one;
    expect(perInvocation).toBeGreaterThan(0);
    expect(await transitions(1, 3)).toBe(one + 2 * perInvocation);
    console.log(
      `transitions: per asset ${perAsset}, per endpoint ${perEndpoint}, per extra harvest invocation ${perInvocation}; 4 endpoints: ${four}`,
    );
  });
});
