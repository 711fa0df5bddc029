import { describe, expect, test } from "vitest";
import { SizeMismatchError } from "../src/errors.js";
import { isS3NotFound, mapS3Error, type S3Operation } from "../src/s3-errors.js";

/** The shape of an SDK service exception: a name and the response's HTTP status. */
function sdkError(name: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode } });
}

describe("mapS3Error", () => {
  test.each<[Error, S3Operation, string, string]>([
    [sdkError("PreconditionFailed", 412), "put", "ObjectExistsError", "ALREADY_EXISTS"],
    [sdkError("Unknown", 412), "put", "ObjectExistsError", "ALREADY_EXISTS"],
    [sdkError("ConditionalRequestConflict", 409), "put", "ObjectExistsError", "ALREADY_EXISTS"],
    [sdkError("NoSuchBucket", 404), "put", "SinkNotFoundError", "NOT_FOUND"],
    [sdkError("NoSuchBucket", 404), "list", "SinkNotFoundError", "NOT_FOUND"],
    [sdkError("AccessDenied", 403), "put", "SinkAccessDeniedError", "ACCESS_DENIED"],
    [sdkError("InvalidAccessKeyId", 403), "list", "SinkAccessDeniedError", "ACCESS_DENIED"],
    [sdkError("Forbidden", 403), "head", "SinkAccessDeniedError", "ACCESS_DENIED"],
    [sdkError("InternalError", 500), "put", "SinkIoError", "WRITE_FAILED"],
    [sdkError("SlowDown", 503), "delete", "SinkIoError", "WRITE_FAILED"],
    [sdkError("InternalError", 500), "head", "SinkIoError", "READ_FAILED"],
    [
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "list",
      "SinkIoError",
      "READ_FAILED",
    ],
    // 412/409 mean "exists" only for a conditional put.
    [sdkError("PreconditionFailed", 412), "head", "SinkIoError", "READ_FAILED"],
  ])("%s on %s → %s %s", (error, operation, name, code) => {
    const mapped = mapS3Error(error, operation, "s3://b/p/k", "k");
    expect(mapped).toMatchObject({ name, code });
    expect(mapped.cause).toBe(error);
  });

  test("passes a SinkError through unchanged", () => {
    const error = new SizeMismatchError("k", 2, 1);
    expect(mapS3Error(error, "put", "s3://b/k", "k")).toBe(error);
  });
});

describe("isS3NotFound", () => {
  test.each<[Error, boolean]>([
    [sdkError("NotFound", 404), true],
    [sdkError("NoSuchKey", 404), true],
    [sdkError("Unknown", 404), true],
    [sdkError("NoSuchBucket", 404), false],
    [sdkError("AccessDenied", 403), false],
  ])("%s → %s", (error, expected) => {
    expect(isS3NotFound(error)).toBe(expected);
  });
});
