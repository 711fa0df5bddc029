/** What the emulator stores: SDK-shaped records (PascalCase), turned into wire bodies by wire.ts. */
import type {
  Authorization,
  CmafPackage,
  DashPackage,
  EgressEndpoint,
  HlsPackage,
  MssPackage,
} from "@aws-sdk/client-mediapackage-vod";

export const ACCOUNT = "111122223333";
export const REGION = "us-east-1";

export interface PackagingGroupRecord {
  readonly Id: string;
  readonly Arn: string;
  readonly CreatedAt: string;
  readonly DomainName: string;
  readonly Authorization: Authorization | undefined;
  readonly Tags: Record<string, string> | undefined;
  /** 32 hex digits: the group's part of every egress path. */
  readonly hash: string;
}

export type PackageKind = "HlsPackage" | "CmafPackage" | "DashPackage" | "MssPackage";

export interface PackagingConfigurationRecord {
  readonly Id: string;
  readonly Arn: string;
  readonly CreatedAt: string;
  readonly PackagingGroupId: string;
  readonly HlsPackage?: HlsPackage;
  readonly CmafPackage?: CmafPackage;
  readonly DashPackage?: DashPackage;
  readonly MssPackage?: MssPackage;
  readonly Tags: Record<string, string> | undefined;
  readonly kind: PackageKind;
  readonly hash: string;
}

type EndpointStatus = "QUEUED" | "PROCESSING" | "PLAYABLE" | "FAILED";

export interface EndpointState {
  readonly packagingConfigurationId: string;
  status: EndpointStatus;
  /** Egress path of the entry manifest, e.g. `/out/v1/<group>/<config>/<asset>/index.m3u8`. */
  readonly path: string;
  /** `<storage hash>/<config storage hash>`: where this endpoint's segments live under /out/v1/. */
  readonly segmentArea: string;
  failure: string | undefined;
}

export interface AssetRecord {
  readonly Id: string;
  readonly Arn: string;
  readonly CreatedAt: string;
  readonly PackagingGroupId: string;
  readonly ResourceId: string | undefined;
  readonly SourceArn: string;
  readonly SourceRoleArn: string;
  readonly Tags: Record<string, string> | undefined;
  readonly hash: string;
  readonly storageHash: string;
  readonly endpoints: EndpointState[];
  readonly abort: AbortController;
}

function egressEndpoints(asset: AssetRecord, origin: string): EgressEndpoint[] {
  return asset.endpoints.map((endpoint) => ({
    PackagingConfigurationId: endpoint.packagingConfigurationId,
    Status: endpoint.status,
    Url: `${origin}${endpoint.path}`,
  }));
}

export function describeAsset(asset: AssetRecord, origin: string) {
  return {
    Arn: asset.Arn,
    CreatedAt: asset.CreatedAt,
    EgressEndpoints: egressEndpoints(asset, origin),
    Id: asset.Id,
    PackagingGroupId: asset.PackagingGroupId,
    ResourceId: asset.ResourceId,
    SourceArn: asset.SourceArn,
    SourceRoleArn: asset.SourceRoleArn,
    Tags: asset.Tags,
  };
}

export function describeGroup(group: PackagingGroupRecord, assetCount: number) {
  return {
    ApproximateAssetCount: assetCount,
    Arn: group.Arn,
    Authorization: group.Authorization,
    CreatedAt: group.CreatedAt,
    DomainName: group.DomainName,
    Id: group.Id,
    Tags: group.Tags,
  };
}

export function describeConfiguration(config: PackagingConfigurationRecord) {
  return {
    Arn: config.Arn,
    CmafPackage: config.CmafPackage,
    CreatedAt: config.CreatedAt,
    DashPackage: config.DashPackage,
    HlsPackage: config.HlsPackage,
    Id: config.Id,
    MssPackage: config.MssPackage,
    PackagingGroupId: config.PackagingGroupId,
    Tags: config.Tags,
  };
}
