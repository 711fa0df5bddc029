// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
/** The stack's Terraform variables: what an operator sets at plan/apply time. */
import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

export interface StackVariables {
  readonly name: TerraformVariable;
  readonly region: TerraformVariable;
  readonly email: TerraformVariable;
  readonly mediaPackageRoleName: TerraformVariable;
  readonly cdnAuthSecretArns: TerraformVariable;
  readonly destinationBucketName: TerraformVariable;
  readonly destinationKmsKeyArn: TerraformVariable;
  readonly destinationPrefix: TerraformVariable;
  readonly harvestMemoryMb: TerraformVariable;
  readonly harvestTimeoutSeconds: TerraformVariable;
  readonly harvestConcurrency: TerraformVariable;
  readonly harvestSafetyMarginSeconds: TerraformVariable;
  readonly mapConcurrency: TerraformVariable;
  readonly catalogMaxConcurrency: TerraformVariable;
  readonly catalogItemListArns: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly notifyProgress: TerraformVariable;
  readonly harvestReservedConcurrency: TerraformVariable;
  readonly lambdaDistDir: TerraformVariable;
  readonly offlinePlan: TerraformVariable;
}

export function declareVariables(scope: Construct): StackVariables {
  const variable = (id: string, config: ConstructorParameters<typeof TerraformVariable>[2]) =>
    new TerraformVariable(scope, id, config);
  return {
    name: variable("name", {
      type: "string",
      default: "vod-harvest",
      description: "Prefix of every resource name.",
      validation: [
        {
          condition: '${can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))}',
          errorMessage: "name: 2-31 of a-z 0-9 -",
        },
      ],
    }),
    region: variable("aws_region", {
      type: "string",
      default: "",
      description: "AWS Region. Empty: the provider's default chain (AWS_REGION, the profile's region).",
      validation: [
        {
          condition: '${var.aws_region == "" || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))}',
          errorMessage: "aws_region: empty (the default chain) or a region such as eu-west-1",
        },
      ],
    }),
    email: variable("email", {
      type: "string",
      description: "Address subscribed to the notification topic (confirm the email AWS sends).",
      validation: [
        { condition: '${can(regex("^[^@ ]+@[^@ ]+$", var.email))}', errorMessage: "email: not an address" },
      ],
    }),
    mediaPackageRoleName: variable("mediapackage_role_name", {
      type: "string",
      default: "MediaPackage_Default_Role",
      description:
        "Role MediaPackage assumes to read sources (SourceRoleArn); the only role the workflow may pass.",
    }),
    cdnAuthSecretArns: variable("cdn_auth_secret_arns", {
      type: "list(string)",
      default: [],
      description:
        "Secrets Manager ARNs of packaging groups' CDN authorization; the harvest Lambda may read these only.",
    }),
    destinationBucketName: variable("destination_bucket_name", {
      type: "string",
      default: "",
      description: "Existing bucket to harvest into. Empty: create <name>-<account>-<region>.",
    }),
    harvestMemoryMb: variable("harvest_memory_mb", {
      type: "number",
      default: 1769,
      description: "Memory of the harvest and finalize Lambdas (1769 MB = one full vCPU).",
    }),
    harvestTimeoutSeconds: variable("harvest_timeout_seconds", {
      type: "number",
      default: 900,
      description:
        "Timeout of the harvest and finalize Lambdas; a harvest invocation stops short of it and resumes.",
      validation: [
        {
          condition: "${var.harvest_timeout_seconds >= 60 && var.harvest_timeout_seconds <= 900}",
          errorMessage: "60-900",
        },
      ],
    }),
    // 0: the code's own default (kept in one place); the Lambda then gets an empty variable and uses it. (cdktf
    // 0.21 cannot synthesize a null default.)
    harvestConcurrency: variable("harvest_concurrency", {
      type: "number",
      default: 0,
      description:
        "Origin transfers in flight per harvest invocation; 0 = the engine's default (32). Origin load is this × map_concurrency per execution.",
      validation: [
        {
          condition:
            "${var.harvest_concurrency == 0 || (var.harvest_concurrency >= 1 && var.harvest_concurrency <= 1024 && floor(var.harvest_concurrency) == var.harvest_concurrency)}",
          errorMessage: "0 (the default) or an integer from 1 to 1024",
        },
      ],
    }),
    harvestSafetyMarginSeconds: variable("harvest_safety_margin_seconds", {
      type: "number",
      default: 0,
      description:
        "How long before its timeout a harvest invocation stops copying and saves its progress; 0 = the handler's default (15 s).",
      validation: [
        {
          condition:
            "${var.harvest_safety_margin_seconds == 0 || (var.harvest_safety_margin_seconds >= 5 && var.harvest_safety_margin_seconds <= 120 && floor(var.harvest_safety_margin_seconds) == var.harvest_safety_margin_seconds && var.harvest_safety_margin_seconds * 2 <= var.harvest_timeout_seconds)}",
          errorMessage:
            "0 (the default) or a whole number of seconds from 5 to 120, at most half of harvest_timeout_seconds (an invocation must have time to copy)",
        },
      ],
    }),
    mapConcurrency: variable("map_concurrency", {
      type: "number",
      default: 4,
      description: "Endpoints of one asset harvested at once.",
      validation: [
        { condition: "${var.map_concurrency >= 1 && var.map_concurrency <= 40}", errorMessage: "1-40" },
      ],
    }),
    logRetentionDays: variable("log_retention_days", {
      type: "number",
      default: 30,
      description: "Log retention.",
    }),
    destinationKmsKeyArn: variable("destination_kms_key_arn", {
      type: "string",
      default: "",
      description:
        "With destination_bucket_name: the KMS key that bucket encrypts with (SSE-KMS with its own key), which the Lambdas then use. Empty: the stack's key (or the bucket needs none).",
      validation: [
        {
          condition:
            '${var.destination_kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.destination_kms_key_arn))}',
          errorMessage:
            "destination_kms_key_arn: empty, or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
        },
      ],
    }),
    destinationPrefix: variable("destination_prefix", {
      type: "string",
      default: "",
      description:
        "Key prefix the workflow may write under (e.g. vod-downloads/): executions whose DestinationPath is outside it are refused, and the Lambdas' S3 permissions stop there. Empty: the whole bucket.",
      validation: [
        {
          condition:
            '${var.destination_prefix == "" || can(regex("^[A-Za-z0-9!_.\'()-]+(/[A-Za-z0-9!_.\'()-]+)*/$", var.destination_prefix))}',
          errorMessage:
            "destination_prefix: empty, or path segments of A-Z a-z 0-9 ! _ . ' ( ) - ending with / (no leading /, no wildcard)",
        },
      ],
    }),
    harvestReservedConcurrency: variable("harvest_reserved_concurrency", {
      type: "number",
      default: -1,
      description:
        "Harvest Lambdas running at once, across every execution (reserved concurrency); -1: unreserved. Origin connections stay at most this × harvest_concurrency (32 when 0).",
      validation: [
        {
          condition:
            "${var.harvest_reserved_concurrency == -1 || (var.harvest_reserved_concurrency >= 1 && floor(var.harvest_reserved_concurrency) == var.harvest_reserved_concurrency)}",
          errorMessage: "harvest_reserved_concurrency: -1 (unreserved) or a whole number ≥ 1",
        },
      ],
    }),
    catalogMaxConcurrency: variable("catalog_max_concurrency", {
      type: "number",
      default: 20,
      description:
        "Assets a catalogue execution harvests at once (child executions of the Distributed Map) when its input has no MaxConcurrency.",
      validation: [
        {
          condition:
            "${var.catalog_max_concurrency >= 1 && var.catalog_max_concurrency <= 10000 && floor(var.catalog_max_concurrency) == var.catalog_max_concurrency}",
          errorMessage: "catalog_max_concurrency: a whole number from 1 to 10000",
        },
      ],
    }),
    catalogItemListArns: variable("catalog_item_list_arns", {
      type: "list(string)",
      default: [],
      description:
        "S3 object ARNs (wildcards allowed) of item lists a catalogue may read besides the destination bucket's prefix, e.g. arn:aws:s3:::lists/vod/*.",
      validation: [
        {
          condition:
            '${alltrue([for arn in var.catalog_item_list_arns : can(regex("^arn:aws[a-z-]*:s3:::[^/]+/.+$", arn))])}',
          errorMessage: "catalog_item_list_arns: S3 object ARNs such as arn:aws:s3:::bucket/prefix/*",
        },
      ],
    }),
    notifyProgress: variable("notify_progress", {
      type: "bool",
      default: false,
      description:
        "Also email HarvestProgress (one per endpoint per harvest invocation, ~every 15 min); default: start, results and failures only.",
    }),
    lambdaDistDir: variable("lambda_dist_dir", {
      type: "string",
      default: "",
      description: "Directory of the Lambda zips (<name>.zip). Empty: apps/lambdas/dist of this repository.",
    }),
    offlinePlan: variable("offline_plan", {
      type: "bool",
      default: false,
      description: "Plan without AWS credentials (provider skip flags, fixed account id). Never for apply.",
    }),
  };
}
