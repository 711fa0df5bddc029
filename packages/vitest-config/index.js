// Shared vitest defaults: node environment, no watch, generous timeouts for tests that start real servers.
import { defineConfig } from "vitest/config";

/** @param {import("vitest/config").ViteUserConfig["test"]} [overrides] */
export function vitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      environment: "node",
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: process.env.CI ? ["default"] : ["default"],
      ...overrides,
    },
  });
}
