/**
 * The background work behind CreateAsset: after `queuedMs` in QUEUED, each endpoint in turn goes PROCESSING,
 * is packaged into a staging directory and published into the egress tree (segments first, then manifests, so a
 * visible manifest never points at missing segments), then PLAYABLE; any failure makes that endpoint FAILED.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { PackagingError } from "../errors.js";
import { manifestSettings, packageConfiguration } from "../packaging/package.js";
import { fetchSource } from "../packaging/source-fetch.js";
import { readSourceLayout, type SourceLayout } from "../packaging/source-layout.js";
import type { AssetRecord, EndpointState, PackagingConfigurationRecord } from "./model.js";
import type { SerialQueue } from "./serial-queue.js";
import { parseSourceArn } from "./validate.js";

export interface JobContext {
  readonly s3: S3Client;
  readonly workDir: string;
  /** Directory served as the egress root: URL path `/out/v1/x` is file `<egressRoot>/out/v1/x`. */
  readonly egressRoot: string;
  readonly queue: SerialQueue;
  readonly queuedMs: number;
  readonly log: (message: string) => void;
  /** Called when an endpoint becomes PLAYABLE, with the egress areas (`a/b` under /out/v1/) it serves from. */
  readonly onPlayable: (asset: AssetRecord, areas: readonly string[]) => void;
}

export function assetWorkDir(context: JobContext, asset: AssetRecord): string {
  return join(context.workDir, "assets", asset.hash);
}

export async function runAssetJobs(
  context: JobContext,
  asset: AssetRecord,
  configs: ReadonlyMap<string, PackagingConfigurationRecord>,
): Promise<void> {
  const signal = asset.abort.signal;
  try {
    await delay(context.queuedMs, undefined, { signal });
  } catch {
    return;
  }
  let source: Promise<SourceLayout> | undefined;
  for (const endpoint of asset.endpoints) {
    const config = configs.get(endpoint.packagingConfigurationId);
    if (!config) continue;
    await context.queue.run(async () => {
      if (signal.aborted) return;
      endpoint.status = "PROCESSING";
      const started = Date.now();
      try {
        source ??= downloadAndRead(context, asset);
        await packageEndpoint(context, asset, endpoint, config, await source);
        if (signal.aborted) return;
        endpoint.status = "PLAYABLE";
        context.onPlayable(asset, [areaOf(endpoint.path), endpoint.segmentArea]);
        context.log(`asset ${asset.Id}: ${config.Id} PLAYABLE in ${Date.now() - started} ms`);
      } catch (error) {
        if (signal.aborted) return;
        endpoint.status = "FAILED";
        endpoint.failure = (error as Error).message;
        context.log(`asset ${asset.Id}: ${config.Id} FAILED: ${endpoint.failure}`);
      }
    });
  }
}

async function downloadAndRead(context: JobContext, asset: AssetRecord): Promise<SourceLayout> {
  const location = parseSourceArn(asset.SourceArn);
  if (!location) throw new PackagingError(`${asset.SourceArn} is not an S3 HLS source`);
  const directory = join(assetWorkDir(context, asset), "source");
  const fetched = await fetchSource(
    context.s3,
    { arn: asset.SourceArn, ...location },
    directory,
    asset.abort.signal,
  );
  return readSourceLayout(asset.SourceArn, fetched.entryPath);
}

async function packageEndpoint(
  context: JobContext,
  asset: AssetRecord,
  endpoint: EndpointState,
  config: PackagingConfigurationRecord,
  source: SourceLayout,
): Promise<void> {
  const staging = join(assetWorkDir(context, asset), "staging", config.Id);
  await rm(staging, { recursive: true, force: true });
  const manifestDir = join(staging, "manifest");
  const segmentDir = join(staging, "segments");
  await mkdir(manifestDir, { recursive: true });
  await mkdir(segmentDir, { recursive: true });
  const settings = manifestSettings(config);
  const manifestPath = dirname(endpoint.path);
  await packageConfiguration(config, source, {
    manifestDir,
    segmentDir,
    segmentPrefix: `${relativePrefix(manifestPath)}${endpoint.segmentArea}/`,
    manifestName: settings.manifestName,
    segmentSeconds: settings.segmentSeconds,
    signal: asset.abort.signal,
  });
  if (asset.abort.signal.aborted) return;
  await publish(segmentDir, join(context.egressRoot, "out", "v1", endpoint.segmentArea));
  // MSS keeps its fragments beside the Manifest (inside `<name>.ism/`), so its manifest dir is the whole entry.
  const entryDir = config.kind === "MssPackage" ? dirname(manifestPath) : manifestPath;
  await publish(manifestDir, join(context.egressRoot, entryDir));
  await rm(staging, { recursive: true, force: true });
}

/** `/out/v1/g/c/a` → `../../../`: from a manifest directory back up to /out/v1/. */
export function relativePrefix(manifestDirPath: string): string {
  const depth = manifestDirPath.split("/").filter((part) => part !== "").length - 2;
  return "../".repeat(depth);
}

/** `/out/v1/g/c/a/index.m3u8` → `g/c`: the area that names the group in the egress registry. */
export function areaOf(egressPath: string): string {
  return egressPath.split("/").slice(3, 5).join("/");
}

async function publish(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
}
