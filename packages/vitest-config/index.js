// Shared vitest defaults: node environment, no watch, generous outer limits (CI machines are busy): a limit is for a hang, never a verdict on speed.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Where the command line keeps its checksum journals during a test run (inherited by every CLI a test starts):
 * never the user's own state directory. Removed by state-dir.js when the run ends.
 */
export const TEST_STATE_DIRECTORY = join(tmpdir(), `vod-harvest-test-state-${process.pid}`);

/**
 * @param {import("vitest/config").ViteUserConfig["test"]} [overrides] `globalSetup` files run after the shared one.
 */
export function vitestConfig(overrides = {}) {
  const { globalSetup = [], ...rest } = overrides;
  return defineConfig({
    test: {
      environment: "node",
      include: ["test/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      reporters: ["default"],
      env: { VOD_HARVEST_STATE_DIR: TEST_STATE_DIRECTORY },
      ...rest,
      globalSetup: [
        fileURLToPath(new URL("./state-dir.js", import.meta.url)),
        ...(Array.isArray(globalSetup) ? globalSetup : [globalSetup]),
      ],
    },
  });
}
