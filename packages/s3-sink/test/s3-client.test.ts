import { describe, expect, test } from "vitest";
import { InvalidDestinationError } from "../src/errors.js";
import { checkS3Configuration, createS3ClientFromEnv, s3EndpointOverride } from "../src/s3-client.js";

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

  test("AWS_DEFAULT_REGION is read as the AWS CLI reads it, after AWS_REGION", async () => {
    const defaulted = createS3ClientFromEnv({ env: { AWS_DEFAULT_REGION: "eu-west-3" } });
    expect(await defaulted.config.region()).toBe("eu-west-3");
    const both = createS3ClientFromEnv({
      env: { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "eu-west-3" },
    });
    expect(await both.config.region()).toBe("ap-south-1");
  });
});

describe("checkS3Configuration", () => {
  test("a region and credentials: nothing to say", async () => {
    const env = { AWS_DEFAULT_REGION: "eu-west-3", AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret" };
    await expect(checkS3Configuration(createS3ClientFromEnv({ env }))).resolves.toBeUndefined();
  });

  test("no region: NOT_CONFIGURED naming the variables and the file", async () => {
    const client = createS3ClientFromEnv({
      clientConfig: { region: (): Promise<string> => Promise.reject(new Error("Region is missing")) },
    });
    await expect(checkS3Configuration(client)).rejects.toMatchObject({
      name: "SinkConfigurationError",
      code: "NOT_CONFIGURED",
      message: expect.stringMatching(/^no AWS region: set AWS_REGION \(or AWS_DEFAULT_REGION\)/),
    });
  });

  test("no credentials: NOT_CONFIGURED naming the variables and the files", async () => {
    const client = createS3ClientFromEnv({
      env: { AWS_REGION: "eu-west-1" },
      clientConfig: { credentials: async () => Promise.reject(new Error("Could not load credentials")) },
    });
    await expect(checkS3Configuration(client)).rejects.toMatchObject({
      code: "NOT_CONFIGURED",
      message: expect.stringMatching(/^no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/),
    });
  });
});
