/**
 * The SNS messages the state machine publishes: JSON text with `Type` and `Event`, also set as message
 * attributes of the same names so subscriptions can filter. `Execution` is the execution ARN.
 */

export type NotificationType = "NOTIFICATION" | "ERROR";

export const NOTIFICATION_EVENTS = [
  "HarvestStarted",
  "HarvestProgress",
  "EndpointSkipped",
  "EndpointComplete",
  "EndpointFailed",
  "HarvestFinished",
  "HarvestFailed",
  // The catalogue workflow's (catalog-definition.ts): one start, one summary or failure per catalogue.
  "CatalogStarted",
  "CatalogFinished",
  "CatalogFailed",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

interface Base<T extends NotificationType, E extends NotificationEvent> {
  readonly Type: T;
  readonly Event: E;
  readonly Execution: string;
}

export interface HarvestStarted extends Base<"NOTIFICATION", "HarvestStarted"> {
  readonly AssetId: string;
  readonly Mode: "mediapackage" | "direct";
  /** `s3://bucket/<DestinationPath>/<Id>/`. */
  readonly Destination: string;
}

/** After each harvest invocation that stopped at its time budget. */
export interface HarvestProgress extends Base<"NOTIFICATION", "HarvestProgress"> {
  readonly AssetId: string;
  readonly PackagingConfigurationId: string;
  readonly ObjectsDone: number;
  readonly ObjectsTotal: number;
  readonly BytesDone: number;
}

export interface EndpointDone<E extends "EndpointSkipped" | "EndpointComplete">
  extends Base<"NOTIFICATION", E> {
  readonly AssetId: string;
  readonly PackagingConfigurationId: string;
  readonly Entry: string;
  readonly Objects: number;
  readonly Bytes: number;
  /** The completion record's per-file checksum, which `vod-harvest verify` checks the copy against. */
  readonly ChecksumAlgorithm: "CRC32C" | "SHA256";
}

export interface EndpointFailed extends Base<"ERROR", "EndpointFailed"> {
  readonly AssetId: string;
  readonly PackagingConfigurationId: string;
  readonly Error: string;
  readonly Cause: string;
}

/** Type ERROR when at least one endpoint FAILED. */
export interface HarvestFinished extends Base<NotificationType, "HarvestFinished"> {
  readonly AssetId: string;
  readonly Results: readonly unknown[];
}

/** The execution fails. AssetId is absent when the input itself was rejected. */
export interface HarvestFailed extends Base<"ERROR", "HarvestFailed"> {
  readonly AssetId?: string;
  readonly Error: string;
  readonly Cause: string;
}

export type Notification =
  | HarvestStarted
  | HarvestProgress
  | EndpointDone<"EndpointSkipped">
  | EndpointDone<"EndpointComplete">
  | EndpointFailed
  | HarvestFinished
  | HarvestFailed;
