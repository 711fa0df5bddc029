import { describe, expect, test } from "vitest";
import { InvalidDestinationError } from "../src/errors.js";
import { parseS3Url } from "../src/s3-url.js";

describe("parseS3Url", () => {
  test.each([
    ["s3://bucket", { bucket: "bucket", prefix: "" }],
    ["s3://bucket/", { bucket: "bucket", prefix: "" }],
    ["s3://bucket/prefix", { bucket: "bucket", prefix: "prefix" }],
    ["s3://bucket/prefix/", { bucket: "bucket", prefix: "prefix" }],
    [
      "s3://my.bucket-1/vod-downloads/asset-1/hls",
      { bucket: "my.bucket-1", prefix: "vod-downloads/asset-1/hls" },
    ],
    ["S3://bucket/p", { bucket: "bucket", prefix: "p" }],
    // Taken literally, as the AWS CLI does: no percent-decoding.
    ["s3://bucket/a%20b", { bucket: "bucket", prefix: "a%20b" }],
  ])("%s", (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  test.each([
    ["", "not an s3:// URL"],
    ["bucket/prefix", "not an s3:// URL"],
    ["https://bucket.s3.amazonaws.com/p", "not an s3:// URL"],
    ["s3://", "invalid bucket name"],
    ["s3:///prefix", "invalid bucket name"],
    ["s3://ab", "invalid bucket name"],
    ["s3://user:secret@bucket/p", "must not hold credentials"],
    ["s3://bucket:9000/p", "invalid bucket name"],
    ["s3://-bucket/p", "invalid bucket name"],
    ["s3://bu..cket/p", "invalid bucket name"],
    ["s3://bucket//p", "invalid prefix"],
    ["s3://bucket/a/../b", "invalid prefix"],
    ["s3://bucket/./b", "invalid prefix"],
    ["s3://bucket/a\\b", "invalid prefix"],
  ])("refuses %j (%s)", (url, reason) => {
    expect(() => parseS3Url(url)).toThrow(InvalidDestinationError);
    expect(() => parseS3Url(url)).toThrow(reason);
  });

  test("never echoes credentials given in the URL", () => {
    expect(() => parseS3Url("s3://user:secret@bucket/p")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("secret") }),
    );
  });
});
