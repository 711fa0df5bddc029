/** Packages a downloaded source for one packaging configuration; returns the entry manifest's relative path. */
import type { StreamSelection } from "@aws-sdk/client-mediapackage-vod";
import { PackagingError } from "../errors.js";
import type { PackagingConfigurationRecord } from "../mediapackage/model.js";
import { packageDash, type SegmentTemplateFormat } from "./package-dash.js";
import { packageHls } from "./package-hls.js";
import { packageMss } from "./package-mss.js";
import { type SourceLayout, selectVariants } from "./source-layout.js";
import type { PackagingTarget } from "./target.js";

/** MediaPackage VOD's default segment duration. */
const DEFAULT_SEGMENT_SECONDS = 6;

export interface ManifestSettings {
  readonly manifestName: string;
  readonly segmentSeconds: number;
  readonly streamSelection: StreamSelection | undefined;
}

/** ManifestName (default `index`), SegmentDurationSeconds and StreamSelection of a configuration. */
export function manifestSettings(config: PackagingConfigurationRecord): ManifestSettings {
  const settings = config.HlsPackage ?? config.CmafPackage ?? config.DashPackage ?? config.MssPackage;
  const manifests =
    config.HlsPackage?.HlsManifests ??
    config.CmafPackage?.HlsManifests ??
    config.DashPackage?.DashManifests ??
    config.MssPackage?.MssManifests;
  const manifest = manifests?.[0];
  return {
    manifestName: manifest?.ManifestName ?? "index",
    segmentSeconds: settings?.SegmentDurationSeconds ?? DEFAULT_SEGMENT_SECONDS,
    streamSelection: manifest?.StreamSelection,
  };
}

/** The entry file name for a configuration: `index.m3u8`, `index.mpd` or `index.ism/Manifest`. */
export function entryFileName(config: PackagingConfigurationRecord): string {
  const { manifestName } = manifestSettings(config);
  if (config.kind === "DashPackage") return `${manifestName}.mpd`;
  if (config.kind === "MssPackage") return `${manifestName}.ism/Manifest`;
  return `${manifestName}.m3u8`;
}

export async function packageConfiguration(
  config: PackagingConfigurationRecord,
  source: SourceLayout,
  target: PackagingTarget,
): Promise<string> {
  const variants = selectVariants(source.variants, manifestSettings(config).streamSelection);
  if (variants.length === 0)
    throw new PackagingError(`${config.Id}: StreamSelection keeps no variant of the source`);
  switch (config.kind) {
    case "HlsPackage":
      return packageHls(source, variants, "ts", target);
    case "CmafPackage":
      return packageHls(source, variants, "fmp4", target);
    case "DashPackage":
      return packageDash(
        source,
        variants,
        (config.DashPackage?.SegmentTemplateFormat ?? "NUMBER_WITH_TIMELINE") as SegmentTemplateFormat,
        target,
      );
    case "MssPackage":
      return packageMss(source, variants, target);
  }
}
