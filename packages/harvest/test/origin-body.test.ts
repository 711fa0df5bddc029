import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, test } from "vitest";
import { TruncatedBodyError } from "../src/errors.js";
import { OriginBodyCounter } from "../src/origin-body.js";

const drain = async (stream: OriginBodyCounter) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe("OriginBodyCounter", () => {
  test.each([
    ["exact Content-Length", 10, undefined],
    ["no Content-Length", undefined, undefined],
    ["fewer bytes than Content-Length", 11, TruncatedBodyError],
    ["more bytes than Content-Length", 9, TruncatedBodyError],
  ])("%s", async (_name, expected, errorClass) => {
    const chunks = [Buffer.from("hello"), Buffer.from("world")];
    const counter = new OriginBodyCounter("http://origin/x.ts", expected);
    const run = Promise.all([pipeline(Readable.from(chunks), counter), drain(counter)]);
    if (errorClass) {
      await expect(run).rejects.toThrow(errorClass);
      expect(counter.failure).toBeInstanceOf(errorClass);
      return;
    }
    const [, passed] = await run;
    expect(counter.bytes).toBe(10);
    expect(passed.toString()).toBe("helloworld");
  });
});
