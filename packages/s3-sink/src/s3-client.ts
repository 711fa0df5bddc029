import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidDestinationError, SinkConfigurationError } from "./errors.js";

export interface S3ClientFromEnvOptions {
  /** Path-style addressing (`http://host/bucket/key`), needed by most S3-compatible stores and by moto. */
  readonly forcePathStyle?: boolean;
  /** Read instead of process.env (tests, or a child's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Merged last: credentials, retries, a custom request handler… */
  readonly clientConfig?: S3ClientConfig;
  /**
   * Connection and request timeouts (ms): an S3 endpoint that stops answering fails a request instead of holding
   * it forever. Default from VOD_HARVEST_S3_CONNECT_TIMEOUT_MS / VOD_HARVEST_S3_REQUEST_TIMEOUT_MS, else
   * DEFAULT_S3_TIMEOUTS. The request timeout is the longest silence on a socket, not a cap on a transfer.
   */
  readonly timeouts?: { readonly connectMs?: number; readonly requestMs?: number };
}

const DEFAULT_S3_TIMEOUTS = { connectMs: 5_000, requestMs: 30_000 } as const;

function timeoutFrom(
  given: number | undefined,
  variable: string,
  env: Readonly<Record<string, string | undefined>>,
  fallback: number,
): number {
  const text = env[variable];
  const value = given ?? (text === undefined || text === "" ? fallback : Number(text));
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidDestinationError(
      `${variable} must be a number of milliseconds > 0, got ${text ?? value}`,
    );
  }
  return value;
}

/**
 * The endpoint override the SDK itself honours (AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), or undefined for AWS S3.
 */
export function s3EndpointOverride(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    // The value is not echoed: an endpoint URL may carry credentials.
    throw new InvalidDestinationError("AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL is not a valid URL", {
      cause: error,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidDestinationError("AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL must be an http or https URL");
  }
  return endpoint;
}

/**
 * An S3 client from the standard credential chain and environment. The SDK already reads AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL (checked in @smithy/core's getEndpointUrlConfig); we read them too, to pass the endpoint
 * explicitly (so `env` works) and, for an S3-compatible store, to send checksums only when an operation requires
 * them: many such stores reject the CRC32 trailers the SDK adds by default since 3.729.
 */
export function createS3ClientFromEnv(options: S3ClientFromEnvOptions = {}): S3Client {
  const env = options.env ?? process.env;
  const endpoint = s3EndpointOverride(env);
  const config: S3ClientConfig = {
    requestHandler: {
      connectionTimeout: timeoutFrom(
        options.timeouts?.connectMs,
        "VOD_HARVEST_S3_CONNECT_TIMEOUT_MS",
        env,
        DEFAULT_S3_TIMEOUTS.connectMs,
      ),
      requestTimeout: timeoutFrom(
        options.timeouts?.requestMs,
        "VOD_HARVEST_S3_REQUEST_TIMEOUT_MS",
        env,
        DEFAULT_S3_TIMEOUTS.requestMs,
      ),
      // Without it the handler only logs a warning when the timeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
  if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  // As the AWS CLI reads it: AWS_REGION, then AWS_DEFAULT_REGION (the SDK ignores the latter), then the profile's;
  // S3-compatible stores mostly ignore the region, but the SDK needs one to sign.
  const region =
    env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint !== undefined ? "us-east-1" : undefined);
  if (region) config.region = region;
  if (options.env !== undefined) {
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
  }
  return new S3Client({ ...config, ...options.clientConfig });
}

/**
 * Resolves the client's region and credentials once, before any request: what is missing becomes one
 * SinkConfigurationError that says which variable or file to set (the SDK says "Region is missing" at the first
 * request, which the caller would otherwise blame on whatever that request was for).
 */
export async function checkS3Configuration(client: S3Client): Promise<void> {
  try {
    await client.config.region();
  } catch (error) {
    throw new SinkConfigurationError(
      "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or `region` for your profile in ~/.aws/config",
      { cause: error },
    );
  }
  try {
    await client.config.credentials();
  } catch (error) {
    throw new SinkConfigurationError(
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with " +
        "~/.aws/credentials (or ~/.aws/config for SSO), or run where a role provides them",
      { cause: error },
    );
  }
}
