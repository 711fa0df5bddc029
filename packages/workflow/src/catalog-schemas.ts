/**
 * The catalogue workflow's execution input (issue 13): one execution harvests every asset of a packaging group, or
 * every per-asset request listed in an S3 object (JSON lines or CSV). Validated by prepareCatalog so the execution
 * fails early with the field named, as the per-asset workflow does.
 */
import { z } from "zod";
import { bucketName, destinationPath, optionsSchema, segment } from "./schemas.js";

/** Child executions at once when neither the input nor the deployment says. */
export const DEFAULT_CATALOG_CONCURRENCY = 20;
/** Step Functions' own ceiling for a Distributed Map's MaxConcurrency. */
export const MAX_CATALOG_CONCURRENCY = 10_000;

/** `s3://bucket/key.jsonl` or `.csv`: the list of per-asset requests. */
const itemsUriSchema = z
  .string()
  .regex(
    /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.(?:jsonl|csv)$/,
    "must be s3://<bucket>/<key>.jsonl (one per-asset request per line) or .csv",
  );

const sourceSchema = z.union(
  [z.strictObject({ PackagingGroupId: segment }), z.strictObject({ ItemsS3Uri: itemsUriSchema })],
  { error: "must be { PackagingGroupId } or { ItemsS3Uri }" },
);

const catalogRequestSchema = z.strictObject({
  Source: sourceSchema,
  DestinationBucket: bucketName,
  DestinationPath: destinationPath.default(""),
  // Absent: the deployment's default (prepareCatalog's rules), else DEFAULT_CATALOG_CONCURRENCY.
  MaxConcurrency: z.int().min(1).max(MAX_CATALOG_CONCURRENCY).optional(),
  ToleratedFailurePercentage: z.number().min(0).max(100).default(0),
});

export const catalogInputSchema = z.strictObject({
  catalogRequest: catalogRequestSchema,
  options: optionsSchema.optional(),
});

export type CatalogInput = z.input<typeof catalogInputSchema>;
