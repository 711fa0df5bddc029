// Constants the workflow contracts restate for apps/infra (which depends on packages/workflow only) must be the
// engine's: the IAM policy lets the harvest Lambda delete exactly the completion record the engine writes.
import { COMPLETION_RECORD_KEY as ENGINE_RECORD_KEY } from "@vod-harvest/harvest";
import { COMPLETION_RECORD_KEY as CONTRACT_RECORD_KEY } from "@vod-harvest/workflow";
import { expect, test } from "vitest";

test("the contracts' completion record key is the one the engine writes and deletes", () => {
  expect(CONTRACT_RECORD_KEY).toBe(ENGINE_RECORD_KEY);
});
