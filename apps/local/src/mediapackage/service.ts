/**
 * The MediaPackage VOD operations the emulator implements, on in-memory state. Inputs and outputs are
 * SDK-shaped (PascalCase); http-api.ts does the wire format. Errors are MediaPackageApiError.
 */
import { createHash, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { entryFileName } from "../packaging/package.js";
import { notFound, unprocessable } from "./api-error.js";
import { assetWorkDir, type JobContext, runAssetJobs } from "./asset-jobs.js";
import type { CdnIdentifierReader } from "./cdn-auth.js";
import {
  ACCOUNT,
  type AssetRecord,
  describeAsset,
  describeConfiguration,
  describeGroup,
  type PackagingConfigurationRecord,
  type PackagingGroupRecord,
  REGION,
} from "./model.js";
import { paginate } from "./paginate.js";
import type { CreateAssetInput, CreateConfigurationInput, CreateGroupInput, ListQuery } from "./validate.js";

const md5 = (...parts: string[]) => createHash("md5").update(parts.join("\u0000")).digest("hex");
const randomHex = () => randomUUID().replaceAll("-", "");
const arn = (kind: string, id: string) => `arn:aws:mediapackage-vod:${REGION}:${ACCOUNT}:${kind}/${id}`;

export class MediaPackageVodService {
  private readonly groups = new Map<string, PackagingGroupRecord>();
  private readonly configs = new Map<string, PackagingConfigurationRecord>();
  private readonly assets = new Map<string, AssetRecord>();
  private readonly jobs = new Map<string, Promise<void>>();
  /** `a/b` (the two path segments after /out/v1/) → packaging group id, for egress authorization. */
  readonly egressAreas = new Map<string, string>();

  constructor(
    private readonly origin: () => string,
    private readonly cdnIdentifiers: CdnIdentifierReader,
    private readonly jobContext: Omit<JobContext, "onPlayable">,
  ) {}

  async createPackagingGroup(input: CreateGroupInput) {
    if (this.groups.has(input.Id)) throw unprocessable(`PackagingGroup ${input.Id} already exists`);
    // MediaPackage checks that it can read the CDN identifier secret before it accepts the group.
    if (input.Authorization)
      await this.cdnIdentifiers.read(input.Authorization.CdnIdentifierSecret as string);
    const group: PackagingGroupRecord = {
      Id: input.Id,
      Arn: arn("packaging-groups", input.Id),
      CreatedAt: new Date().toISOString(),
      DomainName: this.origin(),
      Authorization: input.Authorization,
      Tags: input.Tags,
      hash: md5("group", input.Id),
    };
    this.groups.set(group.Id, group);
    return describeGroup(group, 0);
  }

  describePackagingGroup(id: string) {
    const group = this.groups.get(id);
    if (!group) throw notFound(`PackagingGroup ${id} not found`);
    const count = [...this.assets.values()].filter((asset) => asset.PackagingGroupId === id).length;
    return describeGroup(group, count);
  }

  group(id: string): PackagingGroupRecord | undefined {
    return this.groups.get(id);
  }

  createPackagingConfiguration(input: CreateConfigurationInput) {
    if (this.configs.has(input.Id)) throw unprocessable(`PackagingConfiguration ${input.Id} already exists`);
    if (!this.groups.has(input.PackagingGroupId)) {
      throw unprocessable(`PackagingGroup ${input.PackagingGroupId} does not exist`);
    }
    const config: PackagingConfigurationRecord = {
      Id: input.Id,
      Arn: arn("packaging-configurations", input.Id),
      CreatedAt: new Date().toISOString(),
      PackagingGroupId: input.PackagingGroupId,
      [input.kind]: input.settings,
      Tags: input.Tags,
      kind: input.kind,
      hash: md5("config", input.PackagingGroupId, input.Id),
    };
    this.configs.set(config.Id, config);
    return describeConfiguration(config);
  }

  describePackagingConfiguration(id: string) {
    const config = this.configs.get(id);
    if (!config) throw notFound(`PackagingConfiguration ${id} not found`);
    return describeConfiguration(config);
  }

  listPackagingConfigurations(query: ListQuery) {
    const all = [...this.configs.values()].filter(
      (config) => query.packagingGroupId === undefined || config.PackagingGroupId === query.packagingGroupId,
    );
    const page = paginate(all, query.maxResults, query.nextToken, `configs:${query.packagingGroupId ?? ""}`);
    return { PackagingConfigurations: page.items.map(describeConfiguration), NextToken: page.nextToken };
  }

  listAssets(query: ListQuery) {
    const all = [...this.assets.values()].filter(
      (asset) => query.packagingGroupId === undefined || asset.PackagingGroupId === query.packagingGroupId,
    );
    const page = paginate(all, query.maxResults, query.nextToken, `assets:${query.packagingGroupId ?? ""}`);
    const origin = this.origin();
    const shallow = page.items.map((asset) => {
      const { EgressEndpoints: _omitted, ...rest } = describeAsset(asset, origin);
      return rest;
    });
    return { Assets: shallow, NextToken: page.nextToken };
  }

  createAsset(input: CreateAssetInput) {
    if (this.assets.has(input.Id)) throw unprocessable(`Asset ${input.Id} already exists`);
    const group = this.groups.get(input.PackagingGroupId);
    if (!group) throw unprocessable(`PackagingGroup ${input.PackagingGroupId} does not exist`);
    const configs = [...this.configs.values()].filter((config) => config.PackagingGroupId === group.Id);
    const hash = randomHex();
    const asset: AssetRecord = {
      ...input,
      Arn: arn("assets", input.Id),
      CreatedAt: new Date().toISOString(),
      hash,
      storageHash: randomHex(),
      abort: new AbortController(),
      endpoints: [],
    };
    for (const config of configs) {
      asset.endpoints.push({
        packagingConfigurationId: config.Id,
        status: "QUEUED",
        path: `/out/v1/${group.hash}/${config.hash}/${hash}/${entryFileName(config)}`,
        segmentArea: `${asset.storageHash}/${randomHex()}`,
        failure: undefined,
      });
    }
    this.assets.set(asset.Id, asset);
    const context: JobContext = {
      ...this.jobContext,
      onPlayable: (playable, areas) => {
        // A late finisher of a deleted asset must not open its areas again.
        if (this.assets.get(playable.Id) !== playable) return;
        for (const area of areas) this.egressAreas.set(area, playable.PackagingGroupId);
      },
    };
    this.jobs.set(
      asset.Id,
      runAssetJobs(context, asset, new Map(configs.map((config) => [config.Id, config]))),
    );
    return describeAsset(asset, this.origin());
  }

  describeAsset(id: string) {
    const asset = this.assets.get(id);
    if (!asset) throw notFound(`Asset ${id} not found`);
    return describeAsset(asset, this.origin());
  }

  /** Stops its packaging, then removes the asset and everything it served. */
  async deleteAsset(id: string): Promise<void> {
    const asset = this.assets.get(id);
    if (!asset) throw notFound(`Asset ${id} not found`);
    this.assets.delete(id);
    asset.abort.abort();
    await this.jobs.get(id);
    this.jobs.delete(id);
    for (const endpoint of asset.endpoints) {
      this.egressAreas.delete(endpoint.segmentArea);
      const manifestDir = endpoint.path.split("/").slice(0, 6).join("/");
      await rm(join(this.jobContext.egressRoot, manifestDir), { recursive: true, force: true });
    }
    await rm(join(this.jobContext.egressRoot, "out", "v1", asset.storageHash), {
      recursive: true,
      force: true,
    });
    await rm(assetWorkDir({ ...this.jobContext, onPlayable: () => {} }, asset), {
      recursive: true,
      force: true,
    });
  }

  /** Aborts all packaging and waits for it (emulator shutdown). */
  async stop(): Promise<void> {
    for (const asset of this.assets.values()) asset.abort.abort();
    await Promise.allSettled(this.jobs.values());
  }
}
