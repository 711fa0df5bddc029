// Removes the test run's state directory (see TEST_STATE_DIRECTORY) when the run ends.
import { rm } from "node:fs/promises";
import { TEST_STATE_DIRECTORY } from "./index.js";

export default function setup() {
  return () => rm(TEST_STATE_DIRECTORY, { recursive: true, force: true });
}
