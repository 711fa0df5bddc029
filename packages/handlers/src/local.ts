// `@vod-harvest/handlers/local`: run the state machine on this machine with the real handlers (tests, apps/local).
// Kept apart from the main entry so nothing that imports the handlers loads aws-local-stepfunctions.
export { mediaPackageFromClient, snsFromClient } from "./local-clients.js";
export * from "./local-runner.js";
