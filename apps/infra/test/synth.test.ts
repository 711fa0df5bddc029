// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
// The synthesized stack: resources and the properties the issue asks for, read from the Terraform JSON.
import { buildStateMachine, listTaskStates } from "@vod-harvest/workflow";
import { beforeAll, describe, expect, test } from "vitest";
import {
  CATALOG_LAMBDAS,
  functionArn,
  LAMBDAS,
  resolveReferences,
  synthesize,
  type TfJson,
  TOPIC_ARN,
} from "./synthesized.js";

let tf: TfJson;
beforeAll(() => {
  tf = synthesize();
});
const resource = (type: string, name: string) => tf.resource[type]?.[name];

describe("destination bucket", () => {
  const created = '${var.destination_bucket_name == "" ? 1 : 0}';
  test.each([
    ["aws_s3_bucket", "destination"],
    ["aws_s3_bucket_public_access_block", "destination_public_access_block"],
    ["aws_s3_bucket_ownership_controls", "destination_ownership"],
    ["aws_s3_bucket_server_side_encryption_configuration", "destination_encryption"],
    ["aws_s3_bucket_policy", "destination_tls_only"],
    ["aws_s3_bucket_lifecycle_configuration", "destination_lifecycle"],
  ])("%s.%s exists only when no bucket name is given", (type, name) => {
    expect(resource(type, name)?.count).toBe(created);
    expect(resource(type, name)?.bucket).toBe("${local.destination_bucket_name_resolved}");
  });

  test("Block Public Access, BucketOwnerEnforced, SSE-KMS with the stack's key", () => {
    expect(resource("aws_s3_bucket_public_access_block", "destination_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resource("aws_s3_bucket_ownership_controls", "destination_ownership").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
    expect(
      resource("aws_s3_bucket_server_side_encryption_configuration", "destination_encryption").rule,
    ).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "${aws_kms_key.key.arn}",
        },
        bucket_key_enabled: true,
      },
    ]);
  });

  test("the bucket policy denies every request without TLS", () => {
    const policy = JSON.parse(
      resolveReferences(resource("aws_s3_bucket_policy", "destination_tls_only").policy),
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [
          "arn:aws:s3:::vod-harvest-111122223333-us-east-1",
          "arn:aws:s3:::vod-harvest-111122223333-us-east-1/*",
        ],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("a name given means an existing bucket: the resolved name prefers it", () => {
    expect(tf.locals.destination_bucket_name_resolved).toBe(
      '${var.destination_bucket_name != "" ? var.destination_bucket_name : "${var.name}-${local.account}-${data.aws_region.current_region.name}"}',
    );
  });
});

test("KMS key with rotation; SNS topic encrypted with it and an email subscription", () => {
  expect(resource("aws_kms_key", "key")).toMatchObject({ enable_key_rotation: true });
  expect(resource("aws_sns_topic", "notifications")).toMatchObject({
    kms_master_key_id: "${aws_kms_key.key.arn}",
  });
  expect(resource("aws_sns_topic_subscription", "notifications_email")).toMatchObject({
    protocol: "email",
    endpoint: "${var.email}",
    topic_arn: "${aws_sns_topic.notifications.arn}",
  });
});

test("the email filter: alarms (no Event) and the workflow's messages but progress and a catalogue's children", () => {
  const subscription = resource("aws_sns_topic_subscription", "notifications_email");
  const expression = /^\$\{var\.notify_progress \? null : jsonencode\((.*)\)\}$/.exec(
    subscription.filter_policy,
  );
  expect(expression).not.toBeNull();
  const policy = JSON.parse(resolveReferences((expression as RegExpExecArray)[1] as string));
  // SNS's documented OR of conditions over the message body (moto cannot evaluate `$or` on bodies, so the
  // policy's meaning is held here in its shape).
  expect(policy).toEqual({
    $or: [
      { Event: [{ exists: false }] },
      {
        Event: [{ "anything-but": ["HarvestProgress"] }],
        Execution: [
          {
            "anything-but": {
              prefix: "arn:aws:states:us-east-1:111122223333:execution:vod-harvest:catalog-",
            },
          },
        ],
      },
    ],
  });
});

describe.each(LAMBDAS)("Lambda %s", (name) => {
  test("nodejs22.x on arm64, X-Ray, its own log group with retention, code from apps/lambdas/dist", () => {
    const fn = resource("aws_lambda_function", `fn_${name}`);
    expect(fn).toMatchObject({
      function_name: `\${var.name}-${name}`,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      tracing_config: { mode: "Active" },
      logging_config: { log_format: "JSON", log_group: `\${aws_cloudwatch_log_group.log_${name}.name}` },
      filename: `\${local.lambda_zip_dir}/${name}.zip`,
      source_code_hash: `\${filebase64sha256("\${local.lambda_zip_dir}/${name}.zip")}`,
      role: `\${aws_iam_role.role_${name}.arn}`,
    });
    expect(resource("aws_cloudwatch_log_group", `log_${name}`)).toMatchObject({
      name: `/aws/lambda/\${var.name}-${name}`,
      retention_in_days: "${var.log_retention_days}",
    });
  });
});

test("the harvest Lambda gets the operator's concurrency and safety margin; no other Lambda does", () => {
  const variables = (name: string) =>
    (resource("aws_lambda_function", `fn_${name}`) as { environment: { variables: Record<string, string> } })
      .environment.variables;
  expect(variables("harvest")).toMatchObject({
    HARVEST_CONCURRENCY: '${var.harvest_concurrency == 0 ? "" : tostring(var.harvest_concurrency)}',
    HARVEST_SAFETY_MARGIN_MS:
      '${var.harvest_safety_margin_seconds == 0 ? "" : tostring(var.harvest_safety_margin_seconds * 1000)}',
  });
  for (const name of LAMBDAS.filter((lambda) => lambda !== "harvest")) {
    expect(Object.keys(variables(name))).not.toContain("HARVEST_CONCURRENCY");
  }
});

describe("state machine", () => {
  test("STANDARD, logging ALL to its log group, tracing on", () => {
    expect(resource("aws_sfn_state_machine", "state_machine")).toMatchObject({
      type: "STANDARD",
      logging_configuration: {
        level: "ALL",
        include_execution_data: true,
        log_destination: "${aws_cloudwatch_log_group.log_state_machine.arn}:*",
      },
      tracing_configuration: { enabled: true },
    });
  });

  test("the definition is packages/workflow's, with the deployed ARNs and var.map_concurrency", () => {
    const text: string = resource("aws_sfn_state_machine", "state_machine").definition;
    expect(text).toContain('"MaxConcurrency":${var.map_concurrency}');
    const deployed = JSON.parse(resolveReferences(text));
    const expected = buildStateMachine({
      lambdaArns: Object.fromEntries(LAMBDAS.map((name) => [name, functionArn(name)])) as never,
      topicArn: TOPIC_ARN,
      mapConcurrency: 4,
    });
    expect(deployed).toEqual(JSON.parse(JSON.stringify(expected)));
    // Equal to what packages/workflow builds, which its own tests validate with asl-validator.
    expect(new Set(listTaskStates(deployed).map((t) => t.resource))).toContain(functionArn("harvest"));
  });
});

test("variables and outputs", () => {
  expect(Object.keys(tf.variable).sort()).toEqual(
    [
      "aws_region",
      "cdn_auth_secret_arns",
      "destination_bucket_name",
      "destination_kms_key_arn",
      "destination_prefix",
      "email",
      "harvest_concurrency",
      "harvest_memory_mb",
      "harvest_reserved_concurrency",
      "harvest_safety_margin_seconds",
      "harvest_timeout_seconds",
      "lambda_dist_dir",
      "log_retention_days",
      "map_concurrency",
      "catalog_max_concurrency",
      "catalog_item_list_arns",
      "mediapackage_role_name",
      "name",
      "notify_progress",
      "offline_plan",
    ].sort(),
  );
  expect(tf.variable.notify_progress).toMatchObject({ type: "bool", default: false });
  expect(tf.variable.harvest_reserved_concurrency).toMatchObject({ type: "number", default: -1 });
  expect(tf.variable.mediapackage_role_name.default).toBe("MediaPackage_Default_Role");
  expect(tf.variable.cdn_auth_secret_arns).toMatchObject({ type: "list(string)", default: [] });
  expect(tf.variable.destination_bucket_name.default).toBe("");
  expect(tf.variable.offline_plan.default).toBe(false);
  // 0: the code's defaults (the engine's concurrency, the handler's margin) stay the only ones.
  expect(tf.variable.harvest_concurrency).toMatchObject({ type: "number", default: 0 });
  expect(tf.variable.harvest_safety_margin_seconds).toMatchObject({ type: "number", default: 0 });
  expect(tf.variable.email.default).toBeUndefined();
  expect(Object.keys(tf.output).sort()).toEqual(
    [
      "destination_bucket",
      "notification_topic_arn",
      "start_execution_example",
      "state_machine_arn",
      "catalog_state_machine_arn",
      "start_catalog_example",
    ].sort(),
  );
  const example = resolveReferences(
    tf.output.start_execution_example.value.replace(
      "${aws_sfn_state_machine.state_machine.arn}",
      "arn:aws:states:us-east-1:111122223333:stateMachine:vod-harvest",
    ),
  );
  const input = JSON.parse(example.slice(example.indexOf("'") + 1, example.lastIndexOf("'")));
  expect(input.createAssetRequest).toMatchObject({
    SourceRoleArn: "arn:aws:iam::111122223333:role/MediaPackage_Default_Role",
    DestinationBucket: "vod-harvest-111122223333-us-east-1",
  });
});

test("the provider's skip flags follow var.offline_plan, so a real deploy validates credentials", () => {
  expect(tf.provider.aws[0]).toMatchObject({
    skip_credentials_validation: "${var.offline_plan}",
    skip_requesting_account_id: "${var.offline_plan}",
    skip_metadata_api_check: '${var.offline_plan ? "true" : "false"}',
  });
  expect(tf.data.aws_caller_identity.current.count).toBe("${var.offline_plan ? 0 : 1}");
});

describe("guardrails", () => {
  test.each([
    [
      "executions_failed",
      "AWS/States",
      "ExecutionsFailed",
      { StateMachineArn: "${aws_sfn_state_machine.state_machine.arn}" },
    ],
    [
      "executions_timed_out",
      "AWS/States",
      "ExecutionsTimedOut",
      { StateMachineArn: "${aws_sfn_state_machine.state_machine.arn}" },
    ],
    [
      "harvest_errors",
      "AWS/Lambda",
      "Errors",
      { FunctionName: "${aws_lambda_function.fn_harvest.function_name}" },
    ],
    [
      "harvest_throttles",
      "AWS/Lambda",
      "Throttles",
      { FunctionName: "${aws_lambda_function.fn_harvest.function_name}" },
    ],
    [
      "notifications_failed",
      "AWS/SNS",
      "NumberOfNotificationsFailed",
      { TopicName: "${aws_sns_topic.notifications.name}" },
    ],
  ])("alarm %s: %s %s ≥ 1 in 5 minutes notifies the topic", (id, namespace, metric, dimensions) => {
    expect(resource("aws_cloudwatch_metric_alarm", `alarm_${id}`)).toMatchObject({
      alarm_name: `\${var.name}-${id.replace(/_/g, "-")}`,
      namespace,
      metric_name: metric,
      dimensions,
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
      alarm_actions: ["${aws_sns_topic.notifications.arn}"],
    });
  });

  test("the harvest Lambda's reserved concurrency is the variable (bounding origin connections); the others have none", () => {
    expect(resource("aws_lambda_function", "fn_harvest").reserved_concurrent_executions).toBe(
      "${var.harvest_reserved_concurrency}",
    );
    for (const name of LAMBDAS.filter((lambda) => lambda !== "harvest"))
      expect(resource("aws_lambda_function", `fn_${name}`).reserved_concurrent_executions).toBeUndefined();
  });
});

describe("logs", () => {
  test("every log group (each Lambda's, both state machines') is encrypted with the stack's key", () => {
    const groups = Object.entries(
      tf.resource.aws_cloudwatch_log_group as Record<string, { kms_key_id?: string }>,
    );
    expect(groups.map(([name]) => name).sort()).toEqual(
      [
        ...[...LAMBDAS, ...CATALOG_LAMBDAS].map((l) => `log_${l}`),
        "log_state_machine",
        "log_catalog_state_machine",
      ].sort(),
    );
    for (const [, group] of groups) expect(group.kms_key_id).toBe("${aws_kms_key.key.arn}");
  });

  test("the key lets CloudWatch Logs of this region and account use it, for log groups only", () => {
    const policy = JSON.parse(resolveReferences(resource("aws_kms_key", "key").policy));
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: "CloudWatchLogsOfThisAccount",
        Principal: { Service: "logs.us-east-1.amazonaws.com" },
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*",
          },
        },
      }),
    );
  });
});

test("an existing bucket's own KMS key: the bucket statement of each Lambda using the bucket takes destination_kms_key_arn when set", () => {
  expect(tf.locals.bucket_key_arn).toBe(
    '${var.destination_kms_key_arn != "" ? var.destination_kms_key_arn : aws_kms_key.key.arn}',
  );
  const policies = Object.values(tf.resource.aws_iam_role_policy as Record<string, { policy: string }>);
  const bucketKeys = policies
    .filter(({ policy }) => policy.includes('"UseBucketKey"'))
    .flatMap(({ policy }) =>
      // (the catalogue's item-list ARNs are a Terraform list, unquoted: stand an empty one in to parse)
      (
        JSON.parse(policy.replace("${jsonencode(local.catalog_item_list_read_arns)}", "[]")).Statement as {
          Sid: string;
          Resource: string;
        }[]
      ).filter((s) => s.Sid === "UseBucketKey"),
    );
  // check, harvest, finalize, both catalogue Lambdas and the catalogue state machine read or write the bucket
  expect(bucketKeys.length).toBe(6);
  for (const statement of bucketKeys) expect(statement.Resource).toBe("${local.bucket_key_arn}");
});
