// `@vod-harvest/workflow/local`: run definitions on this machine (aws-local-stepfunctions, Distributed Map included).
// Kept apart from the main entry so that importing it never loads the runner.
export * from "./local-execution.js";
export * from "./local-map-lower.js";
export * from "./local-map-run.js";
