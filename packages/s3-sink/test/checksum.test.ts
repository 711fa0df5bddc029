import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { describe, expect, test } from "vitest";
import { ChecksumHasher, checksumOf, checksumStream, encodeChecksum, isChecksum } from "../src/checksum.js";
import { chunkedStream, patternBuffer } from "./helpers/streams.js";

describe("CRC32C", () => {
  test("the standard check value: CRC32C('123456789') = 0xE3069283", () => {
    expect(checksumOf("123456789")).toBe(encodeChecksum(0xe3069283));
    expect(encodeChecksum(0xe3069283)).toBe("4waSgw==");
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
