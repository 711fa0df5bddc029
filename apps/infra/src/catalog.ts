// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" here is Terraform interpolation, not a JS template
/**
 * The catalogue beside the per-asset state machine: its two Lambdas (prepare-catalog, summarize-catalog) and the
 * catalogue state machine built by packages/workflow (a Distributed Map starting the per-asset machine once per
 * asset), each with a least-privilege role (catalog-policies.ts), a KMS-encrypted log group and tracing.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import type { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine/index.js";
import {
  buildCatalogStateMachine,
  CATALOG_LAMBDA_NAMES,
  type CatalogLambdaName,
} from "@vod-harvest/workflow";
import { Fn, TerraformLocal, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import {
  type CatalogPolicyContext,
  catalogStateMachinePolicy,
  prepareCatalogPolicy,
  summarizeCatalogPolicy,
} from "./catalog-policies.js";
import type { PolicyDocument } from "./policies.js";
import { rawExpression, renderJson } from "./render.js";
import { stackLambda, stackRole, stackStateMachine } from "./resources.js";
import type { StackVariables } from "./variables.js";

export interface CatalogInputs {
  readonly name: string;
  readonly vars: StackVariables;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly bucketArn: string;
  readonly bucketKeyArn: string;
  readonly bucketName: string;
  readonly keyArn: string;
  readonly topicArn: string;
  readonly distDir: string;
  readonly childStateMachine: SfnStateMachine;
  readonly roleName: (role: string) => string;
}

export function createCatalog(scope: Construct, inputs: CatalogInputs): SfnStateMachine {
  const { name, vars } = inputs;
  const catalogName = `${name}-catalog`;
  const logs = Object.fromEntries(
    CATALOG_LAMBDA_NAMES.map((lambda) => [
      lambda,
      new CloudwatchLogGroup(scope, `log_${lambda}`, {
        name: `/aws/lambda/${name}-${lambda}`,
        retentionInDays: vars.logRetentionDays.numberValue,
        kmsKeyId: inputs.keyArn,
      }),
    ]),
  ) as Record<CatalogLambdaName, CloudwatchLogGroup>;
  const functionArn = (lambda: CatalogLambdaName) =>
    `arn:${inputs.partition}:lambda:${inputs.region}:${inputs.accountId}:function:${name}-${lambda}`;
  const context: CatalogPolicyContext = {
    partition: inputs.partition,
    region: inputs.region,
    accountId: inputs.accountId,
    bucketArn: inputs.bucketArn,
    bucketKeyArn: inputs.bucketKeyArn,
    keyArn: inputs.keyArn,
    topicArn: inputs.topicArn,
    itemListArns: rawExpression("item_list_arns"),
    catalogStateMachineName: catalogName,
    childStateMachineArn: inputs.childStateMachine.arn,
    childStateMachineName: name,
    prepareFunctionArn: functionArn("prepare-catalog"),
    summarizeFunctionArn: functionArn("summarize-catalog"),
    prepareLogGroupArn: logs["prepare-catalog"].arn,
    summarizeLogGroupArn: logs["summarize-catalog"].arn,
  };
  // The destination prefix plus the operator's item-list ARNs: a Terraform list, rendered unquoted into the policy.
  new TerraformLocal(
    scope,
    "catalog_item_list_read_arns",
    Fn.concat([
      [`${inputs.bucketArn}/${vars.destinationPrefix.stringValue}*`],
      vars.catalogItemListArns.listValue,
    ]),
  );
  const policyJson = (document: PolicyDocument) =>
    renderJson(document, { item_list_arns: "${jsonencode(local.catalog_item_list_read_arns)}" });

  const policies: Record<CatalogLambdaName, PolicyDocument> = {
    "prepare-catalog": prepareCatalogPolicy(context),
    "summarize-catalog": summarizeCatalogPolicy(context),
  };
  const environments: Record<CatalogLambdaName, Record<string, string>> = {
    // Read by apps/lambdas/src/entry/prepare-catalog.ts.
    "prepare-catalog": {
      DESTINATION_PREFIX: vars.destinationPrefix.stringValue,
      DEFAULT_MAX_CONCURRENCY: "${tostring(var.catalog_max_concurrency)}",
    },
    "summarize-catalog": {},
  };
  const functions = {} as Record<CatalogLambdaName, LambdaFunction>;
  for (const lambda of CATALOG_LAMBDA_NAMES) {
    const { role, policy } = stackRole(scope, lambda, {
      name: inputs.roleName(lambda),
      service: "lambda.amazonaws.com",
      accountId: inputs.accountId,
      policy: policyJson(policies[lambda]),
    });
    functions[lambda] = stackLambda(scope, {
      name,
      lambda,
      roleArn: role.arn,
      distDir: inputs.distDir,
      logGroup: logs[lambda],
      // Paging ListAssets over 10,000 assets, or reading every result file, takes well under 5 minutes.
      memorySize: 512,
      timeout: 300,
      environment: environments[lambda],
      dependsOn: [logs[lambda], policy],
    });
  }

  const definition = buildCatalogStateMachine({
    lambdaArns: {
      "prepare-catalog": functions["prepare-catalog"].arn,
      "summarize-catalog": functions["summarize-catalog"].arn,
    },
    childStateMachineArn: inputs.childStateMachine.arn,
    topicArn: inputs.topicArn,
  });
  const machine = stackStateMachine(scope, {
    idPrefix: "catalog_",
    name: catalogName,
    roleName: inputs.roleName("catalog-state-machine"),
    accountId: inputs.accountId,
    retentionInDays: vars.logRetentionDays.numberValue,
    kmsKeyId: inputs.keyArn,
    policy: policyJson(catalogStateMachinePolicy(context)),
    definition: JSON.stringify(definition),
  });

  new TerraformOutput(scope, "catalog_state_machine_arn", { value: machine.arn });
  const exampleInput = {
    catalogRequest: {
      Source: { PackagingGroupId: "pg-1" },
      DestinationBucket: inputs.bucketName,
      DestinationPath: "vod-downloads",
      ToleratedFailurePercentage: 5,
    },
    options: { Overwrite: false },
  };
  new TerraformOutput(scope, "start_catalog_example", {
    value: `pnpm vod-harvest start --catalog --follow --state-machine-arn ${machine.arn} --input '${JSON.stringify(exampleInput)}'`,
  });
  return machine;
}
