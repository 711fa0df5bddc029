// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
/** Destination bucket (created unless an existing one is named), the KMS key, the notification topic. */

import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import {
  CATALOG_CHILD_NAME_PREFIX,
  HARVEST_STATE_EXPIRY_DAYS,
  HARVEST_STATE_PREFIX,
} from "@vod-harvest/workflow";
import { TerraformLocal, Token } from "cdktf";
import type { Construct } from "constructs";
import { bucketTlsOnlyPolicy, keyPolicy } from "./policies.js";
import type { StackVariables } from "./variables.js";

/**
 * What the email subscription receives unless `notify_progress` (on the message body): every message without an
 * `Event` (CloudWatch alarms), and every workflow message but HarvestProgress — except those of the per-asset
 * executions a catalogue started (their `Execution` begins with `childExecutionPrefix`): a catalogue of thousands
 * of assets sends one summary, not thousands of emails.
 */
function emailFilterPolicy(childExecutionPrefix: string) {
  return {
    $or: [
      { Event: [{ exists: false }] },
      {
        Event: [{ "anything-but": ["HarvestProgress"] }],
        Execution: [{ "anything-but": { prefix: childExecutionPrefix } }],
      },
    ],
  };
}

export interface Storage {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly key: KmsKey;
  readonly topic: SnsTopic;
}

export function createStorage(
  scope: Construct,
  env: { vars: StackVariables; partition: string; accountId: string; region: string },
): Storage {
  const { vars, partition, accountId, region } = env;
  const name = vars.name.stringValue;

  const key = new KmsKey(scope, "key", {
    description: "vod-harvest: destination bucket and notification topic",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify(keyPolicy(partition, accountId, region)),
  });
  new KmsAlias(scope, "key_alias", { name: `alias/${name}`, targetKeyId: key.keyId });

  // Known before apply (no reference to a counted resource), so every policy can name it either way.
  const bucketName = new TerraformLocal(
    scope,
    "destination_bucket_name_resolved",
    `\${var.destination_bucket_name != "" ? var.destination_bucket_name : "\${var.name}-${accountId}-${region}"}`,
  ).asString;
  const bucketArn = `arn:${partition}:s3:::${bucketName}`;
  // Only a bucket we create is configured by us; an existing bucket is left as its owner set it.
  const count = Token.asNumber('${var.destination_bucket_name == "" ? 1 : 0}');
  const bucket = new S3Bucket(scope, "destination", { count, bucket: bucketName });
  const owned = { count, bucket: bucketName, dependsOn: [bucket] };
  new S3BucketPublicAccessBlock(scope, "destination_public_access_block", {
    ...owned,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, "destination_ownership", {
    ...owned,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "destination_encryption", {
    ...owned,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
        bucketKeyEnabled: true,
      },
    ],
  });
  new S3BucketPolicy(scope, "destination_tls_only", {
    ...owned,
    policy: JSON.stringify(bucketTlsOnlyPolicy(bucketArn)),
  });
  new S3BucketLifecycleConfiguration(scope, "destination_lifecycle", {
    ...owned,
    rule: [
      {
        // Stored harvest plans and their journals: the Lambdas cannot delete them (s3:DeleteObject is granted on
        // completion records only), so they expire.
        id: "expire-harvest-state",
        status: "Enabled",
        filter: [{ prefix: HARVEST_STATE_PREFIX }],
        expiration: [{ days: HARVEST_STATE_EXPIRY_DAYS }],
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ],
  });

  const topic = new SnsTopic(scope, "notifications", { name, kmsMasterKeyId: key.arn });
  new SnsTopicSubscription(scope, "notifications_email", {
    topicArn: topic.arn,
    protocol: "email",
    endpoint: vars.email.stringValue,
    // On the message body (the workflow's messages and EventBridge's alerts carry no message attributes).
    filterPolicyScope: '${var.notify_progress ? null : "MessageBody"}',
    // (An HCL object constructor takes JSON's syntax as it is.)
    filterPolicy: `\${var.notify_progress ? null : jsonencode(${JSON.stringify(
      emailFilterPolicy(
        `arn:${partition}:states:${region}:${accountId}:execution:${name}:${CATALOG_CHILD_NAME_PREFIX}`,
      ),
    )})}`,
  });
  return { bucketName, bucketArn, key, topic };
}
