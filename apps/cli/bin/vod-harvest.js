#!/usr/bin/env node
// Entry for an installed `vod-harvest` (the sources are TypeScript, loaded through tsx). Relative destinations
// are resolved against the directory the command is run from.
import { register } from "tsx/esm/api";

register();
const { runAsProcess } = await import("../src/main.ts");
await runAsProcess(process.cwd());
