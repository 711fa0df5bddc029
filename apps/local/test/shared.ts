/** Test support shared by the emulator suites: names, the packaging configurations, polling. */
import {
  CreatePackagingConfigurationCommand,
  type CreatePackagingConfigurationCommandInput,
  CreatePackagingGroupCommand,
  DescribeAssetCommand,
  type DescribeAssetCommandOutput,
  type MediaPackageVodClient,
} from "@aws-sdk/client-mediapackage-vod";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { LocalStack } from "./stack.js";

export const BUCKET = "source-bucket";
export const ROLE = "arn:aws:iam::111122223333:role/MediaPackage_Default_Role";
export const CDN_SECRET_VALUE = "cdn-identifier-for-tests";
export const HEADER = `X-MediaPackage-CDNIdentifier: ${CDN_SECRET_VALUE}`;

export const CONFIGS: CreatePackagingConfigurationCommandInput[] = [
  { Id: "hls", PackagingGroupId: "pg", HlsPackage: { HlsManifests: [{}], SegmentDurationSeconds: 2 } },
  { Id: "cmaf", PackagingGroupId: "pg", CmafPackage: { HlsManifests: [{}], SegmentDurationSeconds: 2 } },
  ...(["NUMBER_WITH_TIMELINE", "TIME_WITH_TIMELINE", "NUMBER_WITH_DURATION"] as const).map((format) => ({
    Id: `dash-${format.toLowerCase()}`,
    PackagingGroupId: "pg",
    DashPackage: { DashManifests: [{}], SegmentDurationSeconds: 2, SegmentTemplateFormat: format },
  })),
  { Id: "mss", PackagingGroupId: "pg", MssPackage: { MssManifests: [{}], SegmentDurationSeconds: 2 } },
];

/** Packaging group `pg` with CDN authorization (secret in moto) and the CONFIGS. */
export async function createGroupAndConfigurations(stack: LocalStack): Promise<void> {
  const secret = await stack.secrets.send(
    new CreateSecretCommand({
      Name: "cdn-auth",
      SecretString: JSON.stringify({ MediaPackageCDNIdentifier: CDN_SECRET_VALUE }),
    }),
  );
  await stack.mediapackage.send(
    new CreatePackagingGroupCommand({
      Id: "pg",
      Authorization: { CdnIdentifierSecret: secret.ARN, SecretsRoleArn: ROLE },
    }),
  );
  for (const config of CONFIGS)
    await stack.mediapackage.send(new CreatePackagingConfigurationCommand(config));
}

/** Polls DescribeAsset until no endpoint is QUEUED or PROCESSING. */
export async function waitUntilSettled(
  client: MediaPackageVodClient,
  id: string,
): Promise<DescribeAssetCommandOutput> {
  for (;;) {
    const asset = await client.send(new DescribeAssetCommand({ Id: id }));
    const statuses = asset.EgressEndpoints?.map((endpoint) => endpoint.Status) ?? [];
    if (statuses.every((status) => status === "PLAYABLE" || status === "FAILED")) return asset;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
