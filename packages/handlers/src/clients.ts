/** The real AWS clients of a Lambda container, traced with X-Ray. Built once per container by the entries. */

import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createS3ClientFromEnv } from "@vod-harvest/s3-sink";

export function createS3(tracer: Tracer): S3Client {
  // Honours AWS_ENDPOINT_URL_S3 like the SDK, and then sends checksums only when required (S3-compatible stores).
  return tracer.captureAWSv3Client(createS3ClientFromEnv());
}

export function createSecretsManager(tracer: Tracer): SecretsManagerClient {
  return tracer.captureAWSv3Client(new SecretsManagerClient({}));
}

/** A positive integer from the environment, or undefined when unset. */
export function integerFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
