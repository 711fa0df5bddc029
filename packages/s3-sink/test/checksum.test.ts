import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { describe, expect, test } from "vitest";
import { ChecksumHasher, checksumOf, checksumStream, encodeChecksum, isChecksum } from "../src/checksum.js";
import { chunkedStream, patternBuffer } from "./helpers/streams.js";

describe("CRC32C", () => {
  test("the standard check value: CRC32C('123456789') = 0xE3069283", () => {
    expect(checksumOf("123456789")).toBe(encodeChecksum(0xe3069283));
    expect(encodeChecksum(0xe3069283)).toBe("4waSgw==");
  });

  test("encodeChecksum is the four big-endian bytes in base64, for every bit pattern", () => {
    const values = [0, 1, 0xff, 0x100, 0xffffffff, 0x80000000, 0x7fffffff, -1];
    for (let bit = 0; bit < 32; bit++) values.push(2 ** bit, 2 ** 32 - 1 - 2 ** bit);
    // A fixed pseudo-random walk (an LCG), the same every run.
    for (let index = 0, next = 12345; index < 2000; index++) {
      next = (Math.imul(next, 1664525) + 1013904223) >>> 0;
      values.push(next);
    }
    for (const value of values) {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value >>> 0);
      expect(encodeChecksum(value)).toBe(bytes.toString("base64"));
    }
  });

  test.each([0, 1, 3, 4095, 65_536, 1_000_003])(
    "%i bytes: as the AWS SDK computes it, whole or in chunks",
    (size) => {
      const data = patternBuffer(size, size + 1);
      const hasher = new ChecksumHasher();
      for (let offset = 0; offset < size; offset += 7_777)
        hasher.update(data.subarray(offset, offset + 7_777));
      expect(checksumOf(data)).toBe(crc32cBase64(data));
      expect(hasher.digest()).toBe(crc32cBase64(data));
    },
  );

  test("checksumStream gives the value and the size of a stream", async () => {
    const data = patternBuffer(300_000);
    expect(await checksumStream(chunkedStream(data, 1_000))).toEqual({
      checksum: crc32cBase64(data),
      size: 300_000,
    });
  });

  test.each([
    ["4waSgw==", true],
    ["AAAAAA==", true],
    ["4waSgw=", false],
    ["4waSgw", false],
    ["e3069283", false],
    [42, false],
  ])("isChecksum(%j) is %s", (value, expected) => {
    expect(isChecksum(value)).toBe(expected);
  });
});
