import { polyfillPromiseWithResolvers } from "../src/promise-polyfill.js";

polyfillPromiseWithResolvers();
