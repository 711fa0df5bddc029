/**
 * The demo's scenario, shared by `pnpm demo` and the end-to-end test: a packaging group with CDN authorization
 * and four packaging configurations (HLS, CMAF, DASH, MSS), a small generated source uploaded to the local S3,
 * and the execution input of DESIGN.md's workflow contract.
 */
import {
  CreateAssetCommand,
  CreatePackagingConfigurationCommand,
  type CreatePackagingConfigurationCommandInput,
  CreatePackagingGroupCommand,
  DescribeAssetCommand,
} from "@aws-sdk/client-mediapackage-vod";
import type { CatalogInput, ExecutionInput } from "@vod-harvest/workflow";
import { type GeneratedSource, generateSource } from "../source/generate.js";
import { uploadSource } from "../source/upload.js";
import type { LocalStack } from "./local-stack.js";

export const PACKAGING_GROUP_ID = "pg-1";
export const SOURCE_ROLE_ARN = "arn:aws:iam::111122223333:role/MediaPackage_Default_Role";
export const DESTINATION_PATH = "vod-downloads";

type Configuration = Omit<CreatePackagingConfigurationCommandInput, "PackagingGroupId"> & { Id: string };

export const DEMO_CONFIGURATIONS: readonly Configuration[] = [
  { Id: "hls", HlsPackage: { HlsManifests: [{}], SegmentDurationSeconds: 2 } },
  { Id: "cmaf", CmafPackage: { HlsManifests: [{}], SegmentDurationSeconds: 2 } },
  {
    Id: "dash",
    DashPackage: {
      DashManifests: [{}],
      SegmentDurationSeconds: 2,
      SegmentTemplateFormat: "NUMBER_WITH_TIMELINE",
    },
  },
  { Id: "mss", MssPackage: { MssManifests: [{}], SegmentDurationSeconds: 2 } },
];

/** The packaging group (CDN authorization with the stack's secret) and its four configurations. */
export async function createDemoPackagingGroup(
  stack: LocalStack,
  groupId = PACKAGING_GROUP_ID,
): Promise<void> {
  const client = stack.clients.mediaPackage;
  await client.send(
    new CreatePackagingGroupCommand({
      Id: groupId,
      Authorization: { CdnIdentifierSecret: stack.cdnSecretArn, SecretsRoleArn: SOURCE_ROLE_ARN },
    }),
  );
  for (const configuration of DEMO_CONFIGURATIONS) {
    await client.send(
      new CreatePackagingConfigurationCommand({ ...configuration, PackagingGroupId: groupId }),
    );
  }
}

export interface DemoSource {
  readonly generated: GeneratedSource;
  readonly sourceArn: string;
}

/** A few seconds of two renditions with audio and subtitles, uploaded under `sources/<name>/`. */
export async function createDemoSource(stack: LocalStack, dir: string, name = "demo"): Promise<DemoSource> {
  const generated = await generateSource({
    dir,
    seconds: 4,
    renditions: [
      { width: 640, height: 360, videoBitrateKbps: 600 },
      { width: 320, height: 180, videoBitrateKbps: 200 },
    ],
  });
  const uploaded = await uploadSource(
    stack.clients.s3,
    stack.sourceBucket,
    `sources/${name}`,
    dir,
    generated.entry,
  );
  return { generated, sourceArn: uploaded.sourceArn };
}

export interface DemoInputOptions {
  readonly assetId: string;
  readonly sourceArn: string;
  readonly destinationBucket: string;
  readonly overwrite?: boolean;
  readonly packagingGroupId?: string;
}

/** DESIGN.md's execution input, for every configuration of the demo group. */
export function demoInput(options: DemoInputOptions): ExecutionInput {
  return {
    createAssetRequest: {
      Id: options.assetId,
      PackagingGroupId: options.packagingGroupId ?? PACKAGING_GROUP_ID,
      SourceArn: options.sourceArn,
      SourceRoleArn: SOURCE_ROLE_ARN,
      DestinationBucket: options.destinationBucket,
      DestinationPath: DESTINATION_PATH,
    },
    options: {
      Overwrite: options.overwrite ?? false,
      PackagingConfigurationIds: DEMO_CONFIGURATIONS.map((configuration) => configuration.Id),
      DeleteAssetAfterHarvest: false,
    },
  };
}

/** `s3://bucket/key` → the object's URL on moto (path-style HTTP), which players and ffmpeg can read. */
export function httpUrlOfS3(motoEndpoint: string, s3Url: string): string {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(s3Url);
  if (match === null) throw new TypeError(`not an s3:// URL: ${s3Url}`);
  const key = (match[2] ?? "").split("/").map(encodeURIComponent).join("/");
  return new URL(`${match[1]}/${key}`, `${motoEndpoint}/`).href;
}

/** `asset-001` … : the ids `pnpm demo --assets N` gives its assets, in ListAssets order. */
export function catalogAssetIds(count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, index) => `asset-${String(index + 1).padStart(width, "0")}`);
}

/** N assets of one source in the group (CreateAsset: the emulator packages each one, as MediaPackage would). */
export async function createDemoAssets(
  stack: LocalStack,
  sourceArn: string,
  ids: readonly string[],
  groupId = PACKAGING_GROUP_ID,
): Promise<void> {
  for (const id of ids) {
    await stack.clients.mediaPackage.send(
      new CreateAssetCommand({
        Id: id,
        PackagingGroupId: groupId,
        SourceArn: sourceArn,
        SourceRoleArn: SOURCE_ROLE_ARN,
      }),
    );
  }
}

/**
 * Waits until the emulator has packaged every endpoint of these assets (each PLAYABLE or FAILED), calling
 * `onProgress` with the count of endpoints done whenever it changes. No deadline of its own: a harvest of an
 * already packaged library is what a catalogue is for, and how long ffmpeg takes depends on the machine.
 */
export async function waitUntilPackaged(
  stack: LocalStack,
  ids: readonly string[],
  onProgress: (done: number, total: number) => void = () => {},
): Promise<void> {
  let reported = -1;
  for (;;) {
    let done = 0;
    let total = 0;
    for (const id of ids) {
      const asset = await stack.clients.mediaPackage.send(new DescribeAssetCommand({ Id: id }));
      for (const endpoint of asset.EgressEndpoints ?? []) {
        total += 1;
        if (endpoint.Status === "PLAYABLE" || endpoint.Status === "FAILED") done += 1;
      }
    }
    if (done !== reported) onProgress(done, total);
    reported = done;
    if (total > 0 && done === total) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The catalogue input for every asset of the demo group, every configuration. */
export function demoCatalogInput(options: {
  readonly destinationBucket: string;
  readonly maxConcurrency?: number;
  readonly toleratedFailurePercentage?: number;
  readonly source?: { readonly PackagingGroupId: string } | { readonly ItemsS3Uri: string };
}): CatalogInput {
  return {
    catalogRequest: {
      Source: options.source ?? { PackagingGroupId: PACKAGING_GROUP_ID },
      DestinationBucket: options.destinationBucket,
      DestinationPath: DESTINATION_PATH,
      MaxConcurrency: options.maxConcurrency ?? 8,
      ToleratedFailurePercentage: options.toleratedFailurePercentage ?? 0,
    },
    options: {
      Overwrite: false,
      PackagingConfigurationIds: DEMO_CONFIGURATIONS.map((configuration) => configuration.Id),
      DeleteAssetAfterHarvest: false,
    },
  };
}
