/**
 * An in-process MediaPackage VOD for the state machine tests: assets, packaging groups, and per-configuration
 * endpoint statuses scripted by DescribeAsset call. Egress URLs point at a test origin serving the asset at
 * `out/v1/<group>/<config>/<asset>/`, shaped like MediaPackage's.
 */
import type { MediaPackageVodApi } from "../src/local.js";

export interface FakeGroup {
  readonly configs: readonly string[];
  /** Secrets Manager ARN of the CDN identifier: the group then has Authorization. */
  readonly cdnSecretArn?: string;
}

interface Asset {
  readonly Id: string;
  readonly PackagingGroupId: string;
  readonly SourceArn: string;
  readonly SourceRoleArn: string;
}

function notFound(what: string): Error {
  const error = new Error(`${what} not found`);
  error.name = "MediaPackageVod.NotFoundException";
  return error;
}

export class FakeMediaPackage {
  readonly assets = new Map<string, Asset>();
  /** Status of a config at the n-th description of its asset (CreateAsset is the first); the last one sticks. */
  statusScripts: Record<string, readonly string[]> = {};
  readonly calls: { action: string; input: unknown }[] = [];
  private descriptions = new Map<string, number>();

  constructor(
    private readonly groups: Record<string, FakeGroup>,
    /** Base URL of the origin standing in for the egress domain, ending with `/`. */
    private readonly egressBase: string,
  ) {}

  egressPath(group: string, config: string, assetId: string): string {
    return `out/v1/${group}/${config}/${assetId}`;
  }

  private describe(id: string) {
    const asset = this.assets.get(id);
    if (!asset) throw notFound(`Asset ${id}`);
    const n = this.descriptions.get(id) ?? 0;
    this.descriptions.set(id, n + 1);
    const group = this.groups[asset.PackagingGroupId];
    return {
      ...asset,
      Arn: `arn:aws:mediapackage-vod:us-east-1:123456789012:assets/${id}`,
      CreatedAt: "2026-11-24T00:00:00Z",
      EgressEndpoints: (group?.configs ?? []).map((config) => {
        const script = this.statusScripts[config] ?? ["PLAYABLE"];
        return {
          PackagingConfigurationId: config,
          Status: script[Math.min(n, script.length - 1)],
          Url: `${this.egressBase}${this.egressPath(asset.PackagingGroupId, config, id)}/index.m3u8`,
        };
      }),
    };
  }

  readonly api: MediaPackageVodApi = {
    describeAsset: async (input) => {
      this.calls.push({ action: "describeAsset", input });
      return this.describe(String(input.Id));
    },
    createAsset: async (input) => {
      this.calls.push({ action: "createAsset", input });
      const asset = input as unknown as Asset;
      this.assets.set(asset.Id, {
        Id: asset.Id,
        PackagingGroupId: asset.PackagingGroupId,
        SourceArn: asset.SourceArn,
        SourceRoleArn: asset.SourceRoleArn,
      });
      return this.describe(asset.Id);
    },
    deleteAsset: async (input) => {
      this.calls.push({ action: "deleteAsset", input });
      if (!this.assets.delete(String(input.Id))) throw notFound(`Asset ${String(input.Id)}`);
      return {};
    },
    describePackagingGroup: async (input) => {
      this.calls.push({ action: "describePackagingGroup", input });
      const id = String(input.Id);
      const group = this.groups[id];
      if (!group) throw notFound(`Packaging group ${id}`);
      return {
        Id: id,
        Arn: `arn:aws:mediapackage-vod:us-east-1:123456789012:packaging-groups/${id}`,
        DomainName: this.egressBase,
        ...(group.cdnSecretArn
          ? {
              Authorization: {
                CdnIdentifierSecret: group.cdnSecretArn,
                SecretsRoleArn: "arn:aws:iam::123456789012:role/MediaPackageSecrets",
              },
            }
          : {}),
      };
    },
  };

  count(action: string): number {
    return this.calls.filter((call) => call.action === action).length;
  }
}
