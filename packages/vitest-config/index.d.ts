import type { UserConfig, ViteUserConfig } from "vitest/config";

export function vitestConfig(overrides?: ViteUserConfig["test"]): UserConfig;
export declare const TEST_STATE_DIRECTORY: string;
