import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";
import { readBuiltinsDirectly } from "../scripts/builtin-imports.mjs";

describe("readBuiltinsDirectly (the build's rewrite of imports of Node's built-in modules)", () => {
  it.each([
    [
      "named",
      'import { readFileSync } from "node:fs";',
      'const { readFileSync } = process.getBuiltinModule("node:fs");',
    ],
    [
      "renamed",
      'import { join as join3, sep } from "node:path";',
      'const { join: join3, sep } = process.getBuiltinModule("node:path");',
    ],
    [
      "default",
      'import process2 from "node:process";',
      'const process2 = process.getBuiltinModule("node:process");',
    ],
    [
      "subpath",
      'import { finished } from "node:stream/promises";',
      'const { finished } = process.getBuiltinModule("node:stream/promises");',
    ],
    [
      "renamed with a dollar sign",
      'import { join as join$1, sep as $sep } from "node:path";',
      'const { join: join$1, sep: $sep } = process.getBuiltinModule("node:path");',
    ],
    [
      "over lines",
      'import {\n  link,\n  lstat as lstat3\n} from "node:fs/promises";',
      'const {\n  link,\n  lstat: lstat3\n} = process.getBuiltinModule("node:fs/promises");',
    ],
  ])("%s", (_name, statement, expected) => {
    expect(readBuiltinsDirectly(statement)).toBe(expected);
  });

  it.each([
    ["a chunk of the bundle", 'import { parseS3Url } from "./chunks/chunk-O225RYF5.mjs";'],
    ["a package", 'import { build } from "esbuild";'],
    ["an import for its effect", 'import "node:fs";'],
    ["a namespace import (its object has a default)", 'import * as zlib from "node:zlib";'],
    [
      "a default named in braces (no such property on the module)",
      'import { default as fs, readFileSync } from "node:fs";',
    ],
    ["a dynamic import", 'const tls = await import("node:tls");'],
    ["an import inside a line", "const text = 'import { x } from \"node:fs\";';"],
  ])("leaves %s as it is", (_name, statement) => {
    expect(readBuiltinsDirectly(statement)).toBe(statement);
  });

  it("keeps every line where it was (the source maps point into the rewritten files)", () => {
    const code = [
      'import { a } from "./a.mjs";',
      'import {\n  dirname,\n  join as join2\n} from "node:path";',
      'import fs from "node:fs";',
      "console.log(join2, fs);",
    ].join("\n");
    const rewritten = readBuiltinsDirectly(code);
    expect(rewritten.split("\n")).toHaveLength(code.split("\n").length);
    expect(rewritten.split("\n")[6]).toBe("console.log(join2, fs);");
  });

  it("binds the same objects the imports did", async () => {
    const code = [
      'import { join as joinPaths, sep } from "node:path";',
      'import fs from "node:fs";',
      'import { finished } from "node:stream/promises";',
      "export const bound = { joinPaths, sep, fs, finished };",
    ].join("\n");
    const imported = await import(`data:text/javascript,${encodeURIComponent(code)}`);
    const read = await import(`data:text/javascript,${encodeURIComponent(readBuiltinsDirectly(code))}`);
    expect(readBuiltinsDirectly(code)).not.toContain("import");
    for (const name of ["joinPaths", "sep", "fs", "finished"]) {
      expect(read.bound[name], name).toBe(imported.bound[name]);
    }
  });

  it("reads every built-in module the bundle may name", () => {
    const names = builtinModules.filter((name) => !name.startsWith("_"));
    for (const name of names) {
      const statement = `import m from "node:${name}";`;
      expect(readBuiltinsDirectly(statement), name).toBe(
        `const m = process.getBuiltinModule("node:${name}");`,
      );
    }
  });
});
