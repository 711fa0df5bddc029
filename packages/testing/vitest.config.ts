import { vitestConfig } from "@vod-harvest/vitest-config";

export default vitestConfig();
