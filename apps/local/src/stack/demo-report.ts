/** What the demo prints: notifications as they arrive and the final table. */

import { formatTable } from "@vod-harvest/harvest/text-table";
import type { ChildResult } from "@vod-harvest/workflow";
import type { ReceivedNotification } from "./notifications.js";
import { httpUrlOfS3 } from "./scenario.js";

export interface DemoResult {
  readonly packagingConfigurationId: string;
  readonly status: string;
  readonly entry: string | null;
  readonly objects: number;
  readonly bytes: number;
}

const field = (message: Record<string, unknown>, name: string) => {
  const value = message[name];
  return value === undefined || value === null ? undefined : String(value);
};

/** One line per notification: type, event, and the fields that say what happened (never the Execution ARN). */
export function formatNotification(notification: ReceivedNotification): string {
  const { message } = notification;
  if (typeof message === "string") return `SNS  ${message}`;
  const parts = [`SNS  ${field(message, "Type") ?? "?"} ${field(message, "Event") ?? "?"}`];
  const config = field(message, "PackagingConfigurationId");
  if (config) parts.push(config);
  switch (message.Event) {
    case "HarvestStarted":
      parts.push(`asset ${field(message, "AssetId")} → ${field(message, "Destination")}`);
      break;
    case "HarvestProgress":
      parts.push(`${field(message, "ObjectsDone")}/${field(message, "ObjectsTotal")} objects`);
      break;
    case "EndpointComplete":
    case "EndpointSkipped":
      parts.push(`${field(message, "Objects")} objects, ${field(message, "Bytes")} bytes`);
      break;
    case "EndpointFailed":
    case "HarvestFailed":
      parts.push(`${field(message, "Error")}: ${field(message, "Cause")}`);
      break;
    case "HarvestFinished": {
      const results = Array.isArray(message.Results)
        ? (message.Results as Array<Record<string, unknown>>)
        : [];
      parts.push(results.map((result) => `${result.packagingConfigurationId} ${result.status}`).join(", "));
      break;
    }
  }
  return parts.join("  ");
}

export function resultTable(results: readonly DemoResult[], motoEndpoint: string): string {
  return formatTable([
    ["configuration", "status", "objects", "bytes", "entry URL"],
    ...results.map((result) => [
      result.packagingConfigurationId,
      result.status,
      String(result.objects),
      String(result.bytes),
      result.entry ? httpUrlOfS3(motoEndpoint, result.entry) : "-",
    ]),
  ]);
}

/** The catalogue demo's table: one row per asset and configuration (an asset that ran no endpoint: one row). */
export function catalogResultTable(children: readonly ChildResult[]): string {
  const sorted = [...children].sort((a, b) => a.assetId.localeCompare(b.assetId));
  const rows = sorted.flatMap((child) =>
    child.results && child.results.length > 0
      ? child.results.map((result) => [
          child.assetId,
          result.packagingConfigurationId,
          result.status,
          String(result.objects),
          String(result.bytes),
        ])
      : [[child.assetId, "-", child.status, "0", "0"]],
  );
  return formatTable([["asset", "configuration", "status", "objects", "bytes"], ...rows]);
}
