// Shared vitest defaults: node environment, no watch, generous outer limits (CI machines are busy): a limit is for a hang, never a verdict on speed.
import { defineConfig } from "vitest/config";

/** @param {import("vitest/config").ViteUserConfig["test"]} [overrides] */
export function vitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      environment: "node",
      include: ["test/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      reporters: process.env.CI ? ["default"] : ["default"],
      ...overrides,
    },
  });
}
