import { vitestConfig } from "@vod-harvest/vitest-config";

// The process tests run the built command (dist/), so the run builds it first from the current sources.
export default vitestConfig({ globalSetup: ["test/support/build.ts"] });
