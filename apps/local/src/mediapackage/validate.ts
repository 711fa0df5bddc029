/**
 * Checks request bodies (already PascalCase, see wire.ts) the way MediaPackage VOD answers bad input: 422
 * UnprocessableEntityException with a message that names the member. Also rejects what the emulator cannot
 * package (encryption, SMIL sources, several manifests per package) instead of pretending to.
 */
import type {
  Authorization,
  CmafPackage,
  DashPackage,
  HlsPackage,
  MssPackage,
} from "@aws-sdk/client-mediapackage-vod";
import { unprocessable } from "./api-error.js";
import type { PackageKind } from "./model.js";

type Body = Record<string, unknown>;

const ID = /^[A-Za-z0-9_-]{1,256}$/;
const S3_SOURCE_ARN = /^arn:aws:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
const TEMPLATE_FORMATS = ["NUMBER_WITH_TIMELINE", "TIME_WITH_TIMELINE", "NUMBER_WITH_DURATION"] as const;
const PACKAGE_KINDS: readonly PackageKind[] = ["HlsPackage", "CmafPackage", "DashPackage", "MssPackage"];

export function asBody(value: unknown): Body {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw unprocessable("request body must be a JSON object");
  }
  return value as Body;
}

function requireId(body: Body, member: string): string {
  const value = body[member];
  if (typeof value !== "string" || !ID.test(value)) {
    throw unprocessable(`${member} is required: 1-256 characters of A-Z, a-z, 0-9, _ and -`);
  }
  return value;
}

function requireString(body: Body, member: string): string {
  const value = body[member];
  if (typeof value !== "string" || value === "") throw unprocessable(`${member} is required`);
  return value;
}

function optionalTags(body: Body): Record<string, string> | undefined {
  const tags = body.Tags;
  if (tags === undefined) return undefined;
  if (tags === null || typeof tags !== "object" || Object.values(tags).some((v) => typeof v !== "string")) {
    throw unprocessable("Tags must map strings to strings");
  }
  return tags as Record<string, string>;
}

export interface CreateGroupInput {
  readonly Id: string;
  readonly Authorization: Authorization | undefined;
  readonly Tags: Record<string, string> | undefined;
}

export function parseCreateGroup(body: Body): CreateGroupInput {
  const Id = requireId(body, "Id");
  let authorization: Authorization | undefined;
  if (body.Authorization !== undefined) {
    const auth = asBody(body.Authorization);
    authorization = {
      CdnIdentifierSecret: requireString(auth, "CdnIdentifierSecret"),
      SecretsRoleArn: requireString(auth, "SecretsRoleArn"),
    };
  }
  return { Id, Authorization: authorization, Tags: optionalTags(body) };
}

type PackageSettings = HlsPackage | CmafPackage | DashPackage | MssPackage;

export interface CreateConfigurationInput {
  readonly Id: string;
  readonly PackagingGroupId: string;
  readonly kind: PackageKind;
  readonly settings: PackageSettings;
  readonly Tags: Record<string, string> | undefined;
}

export function parseCreateConfiguration(body: Body): CreateConfigurationInput {
  const Id = requireId(body, "Id");
  const PackagingGroupId = requireId(body, "PackagingGroupId");
  const present = PACKAGE_KINDS.filter((kind) => body[kind] !== undefined);
  if (present.length !== 1) {
    throw unprocessable(`exactly one of ${PACKAGE_KINDS.join(", ")} is required (got ${present.length})`);
  }
  const kind = present[0] as PackageKind;
  const settings = asBody(body[kind]);
  if (settings.Encryption !== undefined)
    throw unprocessable(`${kind}.Encryption is not supported by the emulator`);
  const manifestsMember =
    kind === "DashPackage" ? "DashManifests" : kind === "MssPackage" ? "MssManifests" : "HlsManifests";
  const manifests = settings[manifestsMember];
  if (!Array.isArray(manifests) || manifests.length === 0)
    throw unprocessable(`${kind}.${manifestsMember} is required`);
  if (manifests.length > 1)
    throw unprocessable(`${kind}.${manifestsMember}: the emulator packages one manifest`);
  const manifest = asBody(manifests[0]);
  if (manifest.ManifestName !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(String(manifest.ManifestName))) {
    throw unprocessable(`${kind}.${manifestsMember}[0].ManifestName must be letters, digits, _ or -`);
  }
  const duration = settings.SegmentDurationSeconds;
  if (
    duration !== undefined &&
    (!Number.isInteger(duration) || (duration as number) < 1 || (duration as number) > 60)
  ) {
    throw unprocessable(`${kind}.SegmentDurationSeconds must be an integer from 1 to 60`);
  }
  if (kind === "DashPackage") {
    const format = settings.SegmentTemplateFormat;
    if (format !== undefined && !TEMPLATE_FORMATS.includes(format as (typeof TEMPLATE_FORMATS)[number])) {
      throw unprocessable(`DashPackage.SegmentTemplateFormat must be one of ${TEMPLATE_FORMATS.join(", ")}`);
    }
  }
  return {
    Id,
    PackagingGroupId,
    kind,
    settings: settings as unknown as PackageSettings,
    Tags: optionalTags(body),
  };
}

export interface CreateAssetInput {
  readonly Id: string;
  readonly PackagingGroupId: string;
  readonly SourceArn: string;
  readonly SourceRoleArn: string;
  readonly ResourceId: string | undefined;
  readonly Tags: Record<string, string> | undefined;
}

export function parseCreateAsset(body: Body): CreateAssetInput {
  const Id = requireId(body, "Id");
  const PackagingGroupId = requireId(body, "PackagingGroupId");
  const SourceArn = requireString(body, "SourceArn");
  const SourceRoleArn = requireString(body, "SourceRoleArn");
  if (parseSourceArn(SourceArn) === undefined) {
    throw unprocessable(
      "SourceArn must be arn:aws:s3:::<bucket>/<key>.m3u8 (the emulator reads HLS sources)",
    );
  }
  const ResourceId = body.ResourceId === undefined ? undefined : requireString(body, "ResourceId");
  return { Id, PackagingGroupId, SourceArn, SourceRoleArn, ResourceId, Tags: optionalTags(body) };
}

/** `arn:aws:s3:::bucket/key.m3u8` → bucket and key; undefined for anything else. */
export function parseSourceArn(arn: string): { bucket: string; key: string } | undefined {
  const match = S3_SOURCE_ARN.exec(arn);
  const key = match?.[2];
  if (!match?.[1] || !key?.endsWith(".m3u8")) return undefined;
  return { bucket: match[1], key };
}

export interface ListQuery {
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  readonly packagingGroupId: string | undefined;
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  const rawMax = query.get("maxResults");
  const maxResults = rawMax === null ? 50 : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw unprocessable("maxResults must be an integer from 1 to 1000");
  }
  return {
    maxResults,
    nextToken: query.get("nextToken") ?? undefined,
    packagingGroupId: query.get("packagingGroupId") ?? undefined,
  };
}
