import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { describe, expect, test } from "vitest";
import { fileWriterThread } from "../src/file-writer-thread.js";
import { tempDirEach } from "./helpers/temp-dir.js";

/** The CRC32C of `text` as a number, from the test's own implementation (not the native one the thread uses). */
function crc32cValue(text: string): number {
  return Buffer.from(crc32cBase64(Buffer.from(text)), "base64").readUInt32BE(0);
}

/** Bytes in memory the writer lends, as the sink fills them. */
function owned(text: string): Buffer {
  const bytes = fileWriterThread().allocate(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** Waits on this thread, without returning to the event loop, until `path` exists (or `capMs` passes: a failure). */
function blockUntilExists(path: string, capMs: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) return true;
    Atomics.wait(pause, 0, 0, 5);
  }
  return false;
}

describe("file writer thread", () => {
  const dir = tempDirEach("writer-thread-");

  test("a busy turn's jobs go to the thread every 16, not only when the turn ends", async () => {
    const writer = fileWriterThread();
    const stores = Array.from({ length: 40 }, (_, index) =>
      writer.store({
        tempPath: join(dir.path, `.${index}.tmp`),
        finalPath: join(dir.path, `${index}.ts`),
        data: owned(`object ${index}`),
        overwrite: false,
      }),
    );
    // This turn has not ended: the first 32 were sent as they were queued, the last 8 wait for it to end.
    expect(blockUntilExists(join(dir.path, "31.ts"), 20_000)).toBe(true);
    expect(existsSync(join(dir.path, "32.ts"))).toBe(false);
    await Promise.all(stores);
    expect((await readdir(dir.path)).length).toBe(40);
  }, 60_000);

  test("stores the bytes under the final name and leaves no temp file; the buffer moves to the thread", async () => {
    const data = owned("segment bytes");
    const outcome = await fileWriterThread().store({
      tempPath: join(dir.path, ".a.tmp"),
      finalPath: join(dir.path, "a.ts"),
      data,
      overwrite: false,
    });
    // The thread checksums what it writes: the CRC32C of the bytes, as S3 would give it.
    expect(outcome).toEqual({ outcome: "stored", crc32c: crc32cValue("segment bytes") });
    expect(await readFile(join(dir.path, "a.ts"), "utf8")).toBe("segment bytes");
    expect(await readdir(dir.path)).toEqual(["a.ts"]);
    expect(data.buffer.byteLength).toBe(0); // detached: moved, not copied
    // Back from the writer and lent again (fresh memory would be zeros).
    expect(fileWriterThread().allocate(13).toString()).toBe("segment bytes");
  });

  test("bytes the writer did not lend are copied: the caller's buffer stays usable", async () => {
    const whole = Buffer.from("xxhelloxx");
    const outcome = await fileWriterThread().store({
      tempPath: join(dir.path, ".b.tmp"),
      finalPath: join(dir.path, "b.ts"),
      data: whole.subarray(2, 7),
      overwrite: false,
    });
    expect(outcome).toEqual({ outcome: "stored", crc32c: crc32cValue("hello") });
    expect(await readFile(join(dir.path, "b.ts"), "utf8")).toBe("hello");
    expect(whole.toString()).toBe("xxhelloxx");
  });

  test("an existing final name: 'exists' without overwrite (the file untouched), replaced with it", async () => {
    await writeFile(join(dir.path, "c.ts"), "earlier");
    const job = (overwrite: boolean) => ({
      tempPath: join(dir.path, ".c.tmp"),
      finalPath: join(dir.path, "c.ts"),
      data: owned("later"),
      overwrite,
    });
    expect((await fileWriterThread().store(job(false))).outcome).toBe("exists");
    expect(await readFile(join(dir.path, "c.ts"), "utf8")).toBe("earlier");
    expect(await readdir(dir.path)).toEqual(["c.ts"]);
    expect((await fileWriterThread().store(job(true))).outcome).toBe("stored");
    expect(await readFile(join(dir.path, "c.ts"), "utf8")).toBe("later");
    expect(await readdir(dir.path)).toEqual(["c.ts"]);
  });

  test("a failed call comes back as the fs error (code, syscall, path), and the thread goes on", async () => {
    const tempPath = join(dir.path, "missing", ".d.tmp");
    const failed = fileWriterThread().store({
      tempPath,
      finalPath: join(dir.path, "missing", "d.ts"),
      data: owned("x"),
      overwrite: false,
    });
    await expect(failed).rejects.toMatchObject({ code: "ENOENT", syscall: "open", path: tempPath });
    // A directory under the final name: link fails (EEXIST is "exists"), rename over it fails with EISDIR.
    await mkdir(join(dir.path, "e.ts"));
    const overDirectory = fileWriterThread().store({
      tempPath: join(dir.path, ".e.tmp"),
      finalPath: join(dir.path, "e.ts"),
      data: owned("x"),
      overwrite: true,
    });
    await expect(overDirectory).rejects.toMatchObject({ code: "EISDIR", syscall: "rename" });
    expect((await readdir(dir.path)).sort()).toEqual(["e.ts"]);
    const after = await fileWriterThread().store({
      tempPath: join(dir.path, ".f.tmp"),
      finalPath: join(dir.path, "f.ts"),
      data: owned("still working"),
      overwrite: false,
    });
    expect(after.outcome).toBe("stored");
  });

  test("a batch the message cannot carry fails its jobs, not the process; the thread goes on", async () => {
    const data = owned("twice");
    const job = (name: string) => ({
      tempPath: join(dir.path, `.${name}.tmp`),
      finalPath: join(dir.path, name),
      data,
      overwrite: false,
    });
    // The same lent buffer in two jobs of one turn: it cannot be moved twice (DataCloneError).
    const results = await Promise.allSettled([
      fileWriterThread().store(job("x.ts")),
      fileWriterThread().store(job("y.ts")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(await readdir(dir.path)).toEqual([]);
    expect((await fileWriterThread().store({ ...job("z.ts"), data: owned("later") })).outcome).toBe("stored");
  });

  test("many stores at once all land, each with its own bytes", async () => {
    const names = Array.from({ length: 200 }, (_, index) => `seg${index}.ts`);
    const outcomes = await Promise.all(
      names.map((name) =>
        fileWriterThread().store({
          tempPath: join(dir.path, `.${name}.tmp`),
          finalPath: join(dir.path, name),
          data: owned(name.repeat(100)),
          overwrite: false,
        }),
      ),
    );
    expect(outcomes).toEqual(
      names.map((name) => ({ outcome: "stored", crc32c: crc32cValue(name.repeat(100)) })),
    );
    expect((await readdir(dir.path)).length).toBe(200);
    for (const name of names) expect(await readFile(join(dir.path, name), "utf8")).toBe(name.repeat(100));
  });

  test("sizes: a regular file's size; -1 for a missing path, a symbolic link, a directory, a path through a file", async () => {
    await writeFile(join(dir.path, "a.ts"), "12345");
    await writeFile(join(dir.path, "empty.ts"), "");
    await symlink(join(dir.path, "a.ts"), join(dir.path, "link.ts"));
    await mkdir(join(dir.path, "sub"));
    const paths = ["a.ts", "empty.ts", "missing.ts", "link.ts", "sub", "a.ts/below"].map((name) =>
      join(dir.path, name),
    );
    expect(await fileWriterThread().sizes(paths)).toEqual([5, 0, -1, -1, -1, -1]);
    expect(await fileWriterThread().sizes([])).toEqual([]);
  });

  test("an idle thread does not keep the process alive; a pending store does", () => {
    const module = fileURLToPath(new URL("../src/file-writer-thread.ts", import.meta.url));
    const script = `
      const { fileWriterThread } = await import(${JSON.stringify(module)});
      const path = ${JSON.stringify(join(dir.path, "g.ts"))};
      fileWriterThread().store({ tempPath: path + ".tmp", finalPath: path, data: Buffer.from("kept"), overwrite: false })
        .then(({ outcome }) => console.log(outcome));
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0); // exited by itself once the store was done (a ref'd idle worker would hang)
    expect(child.stdout.trim()).toBe("stored");
  });
});
