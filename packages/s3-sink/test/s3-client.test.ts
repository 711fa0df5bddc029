import { describe, expect, test } from "vitest";
import { InvalidDestinationError } from "../src/errors.js";
import { createS3ClientFromEnv, s3EndpointOverride } from "../src/s3-client.js";

describe("s3EndpointOverride", () => {
  test.each([
    [{}, undefined],
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:9000" }, "http://127.0.0.1:9000"],
    [{ AWS_ENDPOINT_URL_S3: "http://s3.local:9000" }, "http://s3.local:9000"],
    // The service-specific variable wins, as in the SDK.
    [{ AWS_ENDPOINT_URL: "http://general:1", AWS_ENDPOINT_URL_S3: "http://s3-only:2" }, "http://s3-only:2"],
    [{ AWS_ENDPOINT_URL_S3: "", AWS_ENDPOINT_URL: "http://general:1" }, "http://general:1"],
    [{ AWS_ENDPOINT_URL_S3: "http://s3:2", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, undefined],
  ])("%j → %s", (env, expected) => {
    expect(s3EndpointOverride(env)).toBe(expected);
  });

  test.each([["not a url"], ["ftp://host/"]])("refuses %j without echoing it", (value) => {
    expect(() => s3EndpointOverride({ AWS_ENDPOINT_URL_S3: value })).toThrow(InvalidDestinationError);
    expect(() => s3EndpointOverride({ AWS_ENDPOINT_URL_S3: value })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(value) }),
    );
  });
});

describe("createS3ClientFromEnv", () => {
  test("with an endpoint override: that endpoint, checksums only when required, a default region", async () => {
    const client = createS3ClientFromEnv({
      forcePathStyle: true,
      env: {
        AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID: "id",
        AWS_SECRET_ACCESS_KEY: "key",
      },
    });
    const endpoint = await client.config.endpoint?.();
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe("http://127.0.0.1:9000");
    expect(await client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
    expect(await client.config.region()).toBe("us-east-1");
    expect(client.config.forcePathStyle).toBe(true);
    expect((await client.config.credentials()).accessKeyId).toBe("id");
  });

  test("without an override: AWS S3 with the SDK's default checksums", async () => {
    const client = createS3ClientFromEnv({ env: { AWS_REGION: "eu-west-1" } });
    expect(client.config.isCustomEndpoint).toBe(false);
    expect(await client.config.requestChecksumCalculation()).toBe("WHEN_SUPPORTED");
    expect(await client.config.region()).toBe("eu-west-1");
  });
});
