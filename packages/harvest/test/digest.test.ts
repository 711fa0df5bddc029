import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, test } from "vitest";
import { DigestStream } from "../src/digest.js";
import { TruncatedBodyError } from "../src/errors.js";

const drain = async (stream: DigestStream) => {
  for await (const _ of stream);
};

describe("DigestStream", () => {
  test.each([
    ["exact Content-Length", 10, undefined],
    ["no Content-Length", undefined, undefined],
    ["fewer bytes than Content-Length", 11, TruncatedBodyError],
    ["more bytes than Content-Length", 9, TruncatedBodyError],
  ])("%s", async (_name, expected, errorClass) => {
    const chunks = [Buffer.from("hello"), Buffer.from("world")];
    const digest = new DigestStream("http://origin/x.ts", expected);
    const run = Promise.all([pipeline(Readable.from(chunks), digest), drain(digest)]);
    if (errorClass) {
      await expect(run).rejects.toThrow(errorClass);
      expect(digest.failure).toBeInstanceOf(errorClass);
      return;
    }
    await run;
    expect(digest.bytes).toBe(10);
    expect(digest.hex()).toBe(createHash("sha256").update("helloworld").digest("hex"));
  });
});
