import { lstat, mkdir, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createDirectorySink } from "../src/directory-sink.js";
import { tempDirEach } from "./helpers/temp-dir.js";

describe("directory sink: sizes of keys, read directly", () => {
  const base = tempDirEach("dir-sizes-");

  test("a file's size; nothing for what is not a regular file of the sink", async () => {
    const root = join(base.path, "root");
    const outside = join(base.path, "outside");
    await mkdir(join(root, "a"), { recursive: true });
    await mkdir(join(root, "a", "dir.ts"));
    await mkdir(outside);
    await writeFile(join(root, "a", "seg.ts"), "12345");
    await writeFile(join(root, "a", "empty.ts"), "");
    await writeFile(join(root, "a", "target.ts"), "xyz");
    await symlink(join(root, "a", "target.ts"), join(root, "a", "link.ts"));
    await writeFile(join(outside, "seg.ts"), "far away");
    await symlink(outside, join(root, "out")); // a directory link leading out of the root
    await symlink(join(root, "a"), join(root, "in")); // one staying inside it
    await writeFile(join(root, "a", ".seg.ts.0123abcd00000001.partial"), "temp");
    const keys = [
      "a/seg.ts",
      "a/empty.ts",
      "a/none.ts",
      "b/none.ts",
      "a/dir.ts",
      "a/link.ts",
      "out/seg.ts",
      "in/seg.ts",
      "a/../a/seg.ts",
      "a/.seg.ts.0123abcd00000001.partial",
    ];
    const sink = createDirectorySink(root);
    expect(await sink.sizes?.(keys)).toEqual([
      5,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      5, // followed, as a put or a head would
      undefined,
      undefined,
    ]);
  });

  test("a root not there yet: nothing, and nothing created", async () => {
    const root = join(base.path, "not-yet");
    expect(await createDirectorySink(root).sizes?.(["a.ts", "b/c.ts"])).toEqual([undefined, undefined]);
    await expect(lstat(root)).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("many keys (read by the writer thread and this one): each file's size as it is now", async () => {
    const root = join(base.path, "root");
    const keys: string[] = [];
    for (const dir of ["v0", "v1", "v2"]) {
      await mkdir(join(root, dir), { recursive: true });
      for (let index = 0; index < 150; index++) {
        const key = `${dir}/seg${index}.ts`;
        keys.push(key);
        await writeFile(join(root, key), Buffer.alloc(100 + index));
      }
    }
    // Changed behind the sink's back, in both halves of the batch.
    await rm(join(root, "v0/seg3.ts"));
    await truncate(join(root, "v2/seg140.ts"), 7);
    await rm(join(root, "v1"), { recursive: true });
    const expected = keys.map((key) => {
      if (key === "v0/seg3.ts" || key.startsWith("v1/")) return undefined;
      if (key === "v2/seg140.ts") return 7;
      return 100 + Number(/seg(\d+)/.exec(key)?.[1]);
    });
    expect(await createDirectorySink(root).sizes?.(keys)).toEqual(expected);
  });
});
