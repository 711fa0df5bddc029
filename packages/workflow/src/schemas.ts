/**
 * The workflow's execution input and output (DESIGN.md "Workflow contract"). The input schemas are used by the
 * prepare Lambda (through prepareRequest) so the execution fails early, with the field named, instead of deep
 * inside the state machine.
 */
import { z } from "zod";

/** Ids and names become one path segment of the destination key: keep them to a safe alphabet. */
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
export const segment = z.string().regex(PATH_SEGMENT, "must be 1-128 characters of A-Z a-z 0-9 _ -");

/** S3 bucket naming rules (lowercase, 3-63, no `..`, not an IP address, no reserved prefix/suffix). */
export const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name")
  .refine(
    (name) => !name.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(name),
    "must be a valid S3 bucket name",
  )
  .refine((name) => !name.startsWith("xn--") && !name.endsWith("-s3alias"), "must be a valid S3 bucket name");

/** A key prefix without leading/trailing slashes problems: no empty, `.` or `..` segments, no control chars. */
export const destinationPath = z
  .string()
  .max(512)
  .transform((path) => path.replace(/^\/+|\/+$/g, ""))
  .refine(
    (path) => path === "" || path.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
    "must not contain empty, '.' or '..' segments",
  )
  .refine(
    (path) => ![...path].some((char) => char < " " || char === "\u007f" || char === "\\"),
    "must not contain control characters or backslashes",
  );

const partition = "aws(?:-cn|-us-gov|-iso|-iso-b)?";
const sourceArn = z
  .string()
  .regex(
    new RegExp(`^arn:${partition}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.(?:m3u8|smil)$`),
    "must be an S3 object ARN of an .m3u8 or .smil source (arn:aws:s3:::bucket/key.m3u8)",
  );
const roleArn = z
  .string()
  .regex(new RegExp(`^arn:${partition}:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$`), "must be an IAM role ARN");

const httpUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an http(s) URL",
  );

/**
 * Endpoints one execution harvests at most (sources, PackagingConfigurationIds, an asset's egress endpoints): the
 * history budget (history.ts) is tabled up to this count.
 */
export const MAX_ENDPOINTS = 50;

const uniqueSegments = z
  .array(segment)
  .min(1)
  .max(MAX_ENDPOINTS)
  .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id");

export const createAssetRequestSchema = z.strictObject({
  Id: segment,
  PackagingGroupId: segment,
  SourceArn: sourceArn,
  SourceRoleArn: roleArn,
  DestinationBucket: bucketName,
  DestinationPath: destinationPath.default(""),
});

export const harvestRequestSchema = z.strictObject({
  Id: segment,
  Sources: z
    .array(z.strictObject({ Name: segment, Url: httpUrl }))
    .min(1)
    .max(MAX_ENDPOINTS)
    .refine(
      (sources) => new Set(sources.map((s) => s.Name)).size === sources.length,
      "must not repeat a Name",
    ),
  DestinationBucket: bucketName,
  DestinationPath: destinationPath.default(""),
});

export const optionsSchema = z.strictObject({
  Overwrite: z.boolean().default(false),
  PackagingConfigurationIds: uniqueSegments.optional(),
  DeleteAssetAfterHarvest: z.boolean().default(false),
});

/** Exactly one of createAssetRequest / harvestRequest; checked in prepareRequest for a clearer message. */
export const executionInputSchema = z.strictObject({
  createAssetRequest: createAssetRequestSchema.optional(),
  harvestRequest: harvestRequestSchema.optional(),
  options: optionsSchema.optional(),
});

export type ExecutionInput = z.input<typeof executionInputSchema>;
export type CreateAssetRequest = z.output<typeof createAssetRequestSchema>;
export type HarvestRequest = z.output<typeof harvestRequestSchema>;
export type HarvestOptions = z.output<typeof optionsSchema>;

export type EndpointStatus = "COMPLETE" | "SKIPPED" | "FAILED";

/** One entry of the execution output per harvested endpoint (or direct-mode source). */
export interface EndpointResult {
  readonly packagingConfigurationId: string;
  readonly status: EndpointStatus;
  /** `s3://bucket/prefix/<config>/<entry key>`; null when FAILED. */
  readonly entry: string | null;
  /** Objects present (COMPLETE, SKIPPED) or copied so far (FAILED), the completion record excluded. */
  readonly objects: number;
  readonly bytes: number;
}

/** The execution output. */
export interface ExecutionOutput {
  readonly assetId: string;
  readonly results: readonly EndpointResult[];
}
