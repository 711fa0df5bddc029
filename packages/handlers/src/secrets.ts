/**
 * Reads the CDN authorization identifier by secret ARN (JSON `{"MediaPackageCDNIdentifier": "…"}`) through
 * Powertools Parameters' SecretsProvider, which caches each value for CDN_SECRET_TTL_SECONDS: warm invocations do not
 * call Secrets Manager again, and a rotated secret is picked up after that long. One provider per client, kept at
 * module level, so every handler of a container shares the cache. The value is parsed here, not by the provider's
 * `json` transform, whose error would quote the text (the secret).
 */

import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CdnSecretUnreadableError } from "./errors.js";
import { registerSecretValue } from "./redaction.js";

/** The header MediaPackage checks on every egress request when the packaging group has CDN authorization. */
export const CDN_IDENTIFIER_HEADER = "X-MediaPackage-CDNIdentifier";
export const CDN_IDENTIFIER_FIELD = "MediaPackageCDNIdentifier";

/** A rotated secret is picked up by a warm container after this long. */
export const CDN_SECRET_TTL_SECONDS = 10 * 60;

const providers = new Map<SecretsManagerClient, SecretsProvider>();

/** For tests: forget every cached secret. */
export function clearCdnSecretCache(): void {
  for (const provider of providers.values()) provider.clearCache();
  providers.clear();
}

export type CdnSecretReader = (secretArn: string) => Promise<string>;

export function createCdnSecretReader(secretsManager: SecretsManagerClient): CdnSecretReader {
  let provider = providers.get(secretsManager);
  if (provider === undefined) {
    provider = new SecretsProvider({ awsSdkV3Client: secretsManager });
    providers.set(secretsManager, provider);
  }
  const secrets = provider;
  return async (secretArn) => identifierOf(secretArn, await readSecret(secrets, secretArn));
}

async function readSecret(provider: SecretsProvider, secretArn: string): Promise<string | undefined> {
  try {
    // A failed read is not cached: the next invocation (or Step Functions' retry) tries again.
    const value = await provider.get(secretArn, { maxAge: CDN_SECRET_TTL_SECONDS });
    return typeof value === "string" ? value : undefined;
  } catch (error) {
    // The SDK error (wrapped by Powertools) names the failure (AccessDenied, ResourceNotFound…), never the value.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new CdnSecretUnreadableError(`CDN authorization secret ${secretArn} cannot be read (${reason})`, {
      cause: error,
    });
  }
}

function identifierOf(secretArn: string, secretString: string | undefined): string {
  if (secretString === undefined) {
    throw new CdnSecretUnreadableError(`CDN authorization secret ${secretArn} has no SecretString`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // No cause: a JSON parse error quotes the text, which is the secret.
    throw new CdnSecretUnreadableError(
      `CDN authorization secret ${secretArn} is not JSON (expected {"${CDN_IDENTIFIER_FIELD}": "…"})`,
    );
  }
  const identifier =
    typeof parsed === "object" && parsed !== null
      ? (parsed as Record<string, unknown>)[CDN_IDENTIFIER_FIELD]
      : undefined;
  if (typeof identifier !== "string" || identifier.length < 4) {
    throw new CdnSecretUnreadableError(
      `CDN authorization secret ${secretArn} has no ${CDN_IDENTIFIER_FIELD} string of at least 4 characters`,
    );
  }
  registerSecretValue(identifier);
  return identifier;
}
