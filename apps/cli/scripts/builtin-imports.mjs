// The bundle's imports of Node's built-in modules, rewritten to read them directly (scripts/build.mjs).

/**
 * `import { a, b as c } from "node:x";` or `import x from "node:x";`, as esbuild prints them. A namespace import
 * (`import * as x`) is left as it is: its object is not the module's (it has a `default`).
 */
const BUILTIN_IMPORT = /^import (?:\{([^}]*)\}|(\w+)) from "(node:[\w/]+)";$/gm;

/**
 * Node's built-in modules read with `process.getBuiltinModule` instead of imported: an ES import of a built-in
 * builds a facade that reads every export of it, running the lazy getters behind them (`fs.promises`, crypto's
 * `webcrypto`, …). For the 15 built-ins the command uses that cost ~30 ms at every start (a module importing them
 * against one reading them, median of 25 runs each: 119 against 89 ms; `node -e 0`: 72 ms). Line breaks are kept,
 * so the source maps still line up.
 */
export function readBuiltinsDirectly(code) {
  return code.replace(BUILTIN_IMPORT, (_statement, names, name, specifier) => {
    const read = `process.getBuiltinModule("${specifier}")`;
    // A built-in's default export is the module itself.
    if (names === undefined) return `const ${name} = ${read};`;
    return `const {${names.replace(/\b(\w+) as (\w+)\b/g, "$1: $2")}} = ${read};`;
  });
}
