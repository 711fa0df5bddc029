import { polyfillPromiseWithResolvers } from "../src/local-runner.js";

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node ≥ 22); these machines run Node 20.
polyfillPromiseWithResolvers();
