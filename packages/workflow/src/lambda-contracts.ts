/**
 * Input and output of every Lambda the state machine invokes. The Lambdas are invoked by function ARN (the
 * "Resource is the function ARN" form), so a handler receives exactly the `…Input` object below as its event and
 * its return value is the Task result, unwrapped. packages/handlers implements these; apps/lambdas bundles them, apps/local calls the same
 * handlers; the definition in definition.ts builds these inputs with `Parameters` and reads only the fields named
 * here.
 *
 * State data must stay small whatever the asset's size: no handler returns a list of objects or keys. An error is
 * reported by throwing; the thrown error's `name` becomes the Step Functions error name, its message the cause, so
 * a message never holds a secret value or a full object listing.
 */

/** Where one endpoint's copy goes: `s3://<bucket>/<prefix><key>`. */
export interface Destination {
  readonly bucket: string;
  /**
   * Ends with `/`, or is empty for the bucket root. For the asset as a whole: `<DestinationPath>/<Id>/`; for one
   * endpoint (every input below that names a packagingConfigurationId): `<DestinationPath>/<Id>/<config>/`.
   */
  readonly prefix: string;
}

/** One thing to harvest: a MediaPackage egress endpoint, or a source of the direct mode. */
export interface EndpointSource {
  /** The packaging configuration id (MediaPackage mode) or the source's `Name` (direct mode); a path segment. */
  readonly packagingConfigurationId: string;
  /** The entry manifest's URL. */
  readonly url: string;
  /**
   * MediaPackage endpoints: what the asset's last description says of this endpoint's packaging (PENDING for
   * QUEUED and PROCESSING). The state machine waits at asset level while any is PENDING; an endpoint still PENDING
   * when the wait gives up, or FAILED, is reported FAILED and the others are harvested. DIRECT for direct sources
   * (nothing to wait for).
   */
  readonly packagingStatus: PackagingStatus;
}

export type PackagingStatus = "PLAYABLE" | "PENDING" | "FAILED" | "DIRECT";

/** The parameters of MediaPackage VOD CreateAsset, exactly as the aws-sdk integration takes them. */
export interface CreateAssetParameters {
  readonly Id: string;
  readonly PackagingGroupId: string;
  readonly SourceArn: string;
  readonly SourceRoleArn: string;
}

/** The validated, normalized execution input. Every field is present (null when it does not apply). */
export interface HarvestJob {
  readonly mode: "mediapackage" | "direct";
  /** The asset's Id (MediaPackage) or the harvestRequest's Id (direct). */
  readonly assetId: string;
  /** The asset-level destination: prefix `<DestinationPath>/<Id>/`. */
  readonly destination: Destination;
  readonly options: {
    readonly overwrite: boolean;
    /** Null: every endpoint of the asset (or every source). */
    readonly packagingConfigurationIds: readonly string[] | null;
    readonly deleteAssetAfterHarvest: boolean;
  };
  /** MediaPackage mode: the asset to reuse or create. Null in direct mode. */
  readonly asset: CreateAssetParameters | null;
  /** Direct mode: the sources, already filtered by packagingConfigurationIds. Null in MediaPackage mode. */
  readonly sources: readonly EndpointSource[] | null;
}

/**
 * prepare — validates the raw execution input. Implemented by `prepareRequest` (prepare.ts); the handler only
 * calls it. Throws `InvalidRequest` (errors.ts) with a message starting with the offending field.
 */
export interface PrepareInput {
  /** The execution input as given to StartExecution, untouched. */
  readonly input: unknown;
}
export interface PrepareOutput {
  readonly request: HarvestJob;
}

/** An egress endpoint as the DescribeAsset / CreateAsset aws-sdk integration returns it (PascalCase). */
export interface EgressEndpointDescription {
  readonly PackagingConfigurationId?: string;
  readonly Status?: string;
  readonly Url?: string;
}

/**
 * resolveEndpoints — picks the endpoints to harvest from the asset and the CDN secret's ARN from the packaging
 * group. Implemented by `resolveEndpoints` (endpoints.ts). Throws `InvalidRequest` when the asset belongs to
 * another packaging group, has no endpoints, or lacks a requested packaging configuration.
 */
export interface ResolveEndpointsInput {
  /** The DescribeAsset or CreateAsset result, whole (a few KB at most). */
  readonly asset: {
    readonly PackagingGroupId?: string;
    readonly EgressEndpoints?: readonly EgressEndpointDescription[];
  };
  /** The DescribePackagingGroup result, whole. */
  readonly packagingGroup: {
    readonly Id?: string;
    readonly Authorization?: { readonly CdnIdentifierSecret?: string; readonly SecretsRoleArn?: string };
  };
  /** The group the request names; the asset must be in it. */
  readonly packagingGroupId: string;
  readonly packagingConfigurationIds: readonly string[] | null;
}
export interface ResolveEndpointsOutput {
  /** In the asset's order, filtered. Never empty. */
  readonly endpoints: readonly EndpointSource[];
  /** How many of `endpoints` are PENDING: the state machine polls the asset again while this is above 0. */
  readonly pending: number;
  /**
   * ARN of the Secrets Manager secret holding the CDN identifier when the packaging group has CDN authorization,
   * else null. Only the ARN travels; the harvest Lambda reads the value itself.
   */
  readonly cdnIdentifierSecretArn: string | null;
}

/**
 * Name of the completion record at the root of an endpoint's content prefix: `<destination.prefix>` + this. The
 * same value as packages/harvest's COMPLETION_RECORD_KEY (which writes it; packages/handlers asserts they agree); here
 * for apps/infra, whose IAM policy lets the harvest Lambda delete exactly these objects.
 */
export const COMPLETION_RECORD_KEY = "_vod-harvest-complete.json";

/**
 * check — is this endpoint's copy already complete? Reads the completion record
 * (`<destination.prefix>_vod-harvest-complete.json`, see COMPLETION_RECORD_KEY). Read-only.
 * The state machine decides: complete and not overwrite → SKIPPED.
 */
export interface CheckInput {
  readonly assetId: string;
  readonly packagingConfigurationId: string;
  /** The endpoint's destination (prefix ends with `<config>/`). */
  readonly destination: Destination;
}
export interface CheckOutput {
  readonly complete: boolean;
  /** From the record when complete: `s3://<bucket>/<prefix><entry key>`; else null. */
  readonly entry: string | null;
  /** From the record when complete, else 0. */
  readonly objects: number;
  readonly bytes: number;
  /** The record's per-file checksum when complete (SHA256: a copy recorded before 2026-12), else null. */
  readonly checksumAlgorithm: RecordChecksumAlgorithm | null;
}

/** The completion record's per-file checksum: CRC32C (format version 2, S3's own), SHA256 (version 1). */
export type RecordChecksumAlgorithm = "CRC32C" | "SHA256";

/**
 * Where a harvest stands between two invocations. Small (well under 1 KB) whatever the asset's size: the plan
 * itself (resources, manifest bodies) is stored by the harvest Lambda in the destination bucket under
 * HARVEST_STATE_PREFIX, never in state data, and so is its checksum journal (size and CRC32C of every object an
 * invocation copied or hashed); the objects already copied are found again by their presence.
 */
export interface HarvestCursor {
  /** Key, in the destination bucket, of the stored HarvestPlan (packages/harvest) for this endpoint. */
  readonly planKey: string;
  /** Invocations so far, the one returning this cursor included. */
  readonly invocations: number;
}

/**
 * Bucket-root prefix where the harvest Lambda stores plans (`<prefix><assetId>/<config>/<run>.json`) and their
 * checksum journals (`<prefix><assetId>/<config>/<run>.progress/<invocation>-<request id>.json`, one per
 * invocation). Outside every content prefix, so a content prefix holds only the asset's files and the completion
 * record; the stack expires it with a lifecycle rule (the Lambdas may delete completion records only).
 */
export const HARVEST_STATE_PREFIX = "_vod-harvest-state/";

/**
 * How long an unfinished run's state is kept for a later resume: the lifecycle rule of a bucket the stack creates
 * expires HARVEST_STATE_PREFIX after this, and finalize removes older runs' state in any bucket.
 */
export const HARVEST_STATE_EXPIRY_DAYS = 14;

/**
 * harvest — copies the endpoint's objects until done or until the Lambda's remaining time runs short, then
 * returns. The first invocation (cursor null) crawls the entry manifest and stores the plan; later ones resume
 * from the stored plan without crawling again. Objects present with the expected size are not copied again
 * (unless overwrite), so a retried or repeated invocation neither duplicates nor loses anything; objects an
 * earlier invocation journaled are trusted without asking the origin or reading them back. With overwrite, the
 * first invocation deletes the old completion record before copying. The invocation that finds every object
 * present verifies them and writes the completion record last (packages/harvest copyPlan), then returns done.
 * Throws `HarvestFailed` when every object was attempted and some failed for good (message: the count and the
 * first few keys, never a header value), and `HarvestPlanTimeout` when the first invocation cannot crawl the
 * manifests within its time budget (every later one would start over); the state machine reports the endpoint
 * FAILED.
 */
export interface HarvestInput {
  readonly assetId: string;
  readonly packagingConfigurationId: string;
  /** The entry manifest (the egress endpoint's or source's URL). */
  readonly entryUrl: string;
  /** The endpoint's destination (prefix ends with `<config>/`). */
  readonly destination: Destination;
  readonly overwrite: boolean;
  /**
   * Read the secret (JSON `{"MediaPackageCDNIdentifier": "…"}`) and send its value as the
   * `X-MediaPackage-CDNIdentifier` header on every origin request. Null: no CDN authorization.
   */
  readonly cdnIdentifierSecretArn: string | null;
  /** Null on the first invocation; afterwards the cursor the previous invocation returned. */
  readonly cursor: HarvestCursor | null;
}
export interface HarvestOutput {
  /**
   * True when the copy is complete: every object verified and the completion record written by this invocation
   * (or found already there). The state machine then calls finalize.
   */
  readonly done: boolean;
  /** Pass to the next invocation (and to finalize). */
  readonly cursor: HarvestCursor;
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly bytesDone: number;
}

/**
 * finalize — writes nothing: the completion record was written by the last harvest invocation (see harvest).
 * Reads it and checks, with a listing of its own, that it names every planned key and that each is present with
 * its recorded size; its output comes from the record. Throws `HarvestIncomplete` (naming the count and the
 * first missing or wrong keys) when there is no record or the check fails.
 */
export interface FinalizeInput {
  readonly assetId: string;
  readonly packagingConfigurationId: string;
  /** The endpoint's destination (prefix ends with `<config>/`). */
  readonly destination: Destination;
  readonly cursor: HarvestCursor;
}
export interface FinalizeOutput {
  readonly status: "COMPLETE";
  /** `s3://<bucket>/<prefix><entry key>`. */
  readonly entry: string;
  readonly objects: number;
  readonly bytes: number;
  readonly checksumAlgorithm: RecordChecksumAlgorithm;
}

/** The Lambdas the definition invokes; each is its own function (and zip: apps/lambdas/dist/<name>.zip). */
export const LAMBDA_NAMES = ["prepare", "resolve-endpoints", "check", "harvest", "finalize"] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

/** Handler signatures, for `satisfies` checks in packages/handlers and apps/local. */
export interface LambdaHandlers {
  readonly prepare: (event: PrepareInput) => Promise<PrepareOutput>;
  readonly "resolve-endpoints": (event: ResolveEndpointsInput) => Promise<ResolveEndpointsOutput>;
  readonly check: (event: CheckInput) => Promise<CheckOutput>;
  readonly harvest: (event: HarvestInput) => Promise<HarvestOutput>;
  readonly finalize: (event: FinalizeInput) => Promise<FinalizeOutput>;
}
