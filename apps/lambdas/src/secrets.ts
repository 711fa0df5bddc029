/**
 * Reads the CDN authorization identifier by secret ARN (JSON `{"MediaPackageCDNIdentifier": "…"}`), once per
 * container and ARN: the cache is module-level so warm invocations do not call Secrets Manager again.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CdnSecretUnreadableError } from "./errors.js";
import { registerSecretValue } from "./redaction.js";

/** The header MediaPackage checks on every egress request when the packaging group has CDN authorization. */
export const CDN_IDENTIFIER_HEADER = "X-MediaPackage-CDNIdentifier";
export const CDN_IDENTIFIER_FIELD = "MediaPackageCDNIdentifier";

/** A rotated secret is picked up by a warm container after this long. */
export const CDN_SECRET_TTL_MS = 10 * 60 * 1000;

interface CacheEntry {
  readonly value: Promise<string>;
  readonly expiresAt: number;
}

const cache = new Map<string, CacheEntry>();

/** For tests: forget every cached secret. */
export function clearCdnSecretCache(): void {
  cache.clear();
}

export type CdnSecretReader = (secretArn: string) => Promise<string>;

export function createCdnSecretReader(
  secretsManager: SecretsManagerClient,
  now: () => number = Date.now,
): CdnSecretReader {
  return (secretArn) => {
    const cached = cache.get(secretArn);
    if (cached !== undefined && cached.expiresAt > now()) return cached.value;
    const value = fetchIdentifier(secretsManager, secretArn);
    cache.set(secretArn, { value, expiresAt: now() + CDN_SECRET_TTL_MS });
    // A failed read is not cached: the next invocation (or Step Functions' retry) tries again.
    value.catch(() => {
      if (cache.get(secretArn)?.value === value) cache.delete(secretArn);
    });
    return value;
  };
}

async function fetchIdentifier(secretsManager: SecretsManagerClient, secretArn: string): Promise<string> {
  let secretString: string | undefined;
  try {
    const output = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = output.SecretString;
  } catch (error) {
    // The SDK error names the failure (AccessDenied, ResourceNotFound…); it never holds the secret value.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CdnSecretUnreadableError(`CDN authorization secret ${secretArn} cannot be read (${reason})`, {
      cause: error,
    });
  }
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
