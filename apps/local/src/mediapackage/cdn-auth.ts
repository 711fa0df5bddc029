/**
 * CDN authorization: the expected `X-MediaPackage-CDNIdentifier` value is the `MediaPackageCDNIdentifier` member
 * of the group's secret (JSON) in Secrets Manager. Read at request time and reused briefly, so a rotated secret
 * takes effect within `ttlMs` without a request to Secrets Manager per segment.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { unprocessable } from "./api-error.js";

export const CDN_IDENTIFIER_HEADER = "x-mediapackage-cdnidentifier";

export class CdnIdentifierReader {
  private readonly cache = new Map<string, { value: string; until: number }>();
  constructor(
    private readonly secretsManager: SecretsManagerClient,
    private readonly ttlMs: number,
  ) {}

  /** The identifier in the secret; throws UnprocessableEntityException when it cannot be read or lacks it. */
  async read(secretArn: string): Promise<string> {
    const cached = this.cache.get(secretArn);
    if (cached && cached.until > Date.now()) return cached.value;
    let text: string | undefined;
    try {
      text = (await this.secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn })))
        .SecretString;
    } catch (error) {
      throw unprocessable(`CdnIdentifierSecret ${secretArn} cannot be read: ${(error as Error).name}`);
    }
    const value = identifierIn(text);
    if (value === undefined) {
      throw unprocessable(
        `CdnIdentifierSecret ${secretArn} must be JSON with a MediaPackageCDNIdentifier string`,
      );
    }
    this.cache.set(secretArn, { value, until: Date.now() + this.ttlMs });
    return value;
  }
}

/** `{"MediaPackageCDNIdentifier": "…"}` → the value; undefined for anything else. */
export function identifierIn(secretString: string | undefined): string | undefined {
  if (secretString === undefined) return undefined;
  try {
    const parsed = JSON.parse(secretString) as { MediaPackageCDNIdentifier?: unknown };
    const value = parsed?.MediaPackageCDNIdentifier;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}
