/**
 * The emulator's API against the real MediaPackage VOD SDK client: error classes, authorization, pagination,
 * FAILED endpoints. Needs moto only (no asset here gets as far as ffmpeg).
 */
import {
  CreateAssetCommand,
  CreatePackagingConfigurationCommand,
  CreatePackagingGroupCommand,
  DeleteAssetCommand,
  DescribeAssetCommand,
  DescribePackagingGroupCommand,
  ForbiddenException,
  ListPackagingConfigurationsCommand,
  MediaPackageVodClient,
  NotFoundException,
  TooManyRequestsException,
  UnprocessableEntityException,
} from "@aws-sdk/client-mediapackage-vod";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BUCKET, CONFIGS, createGroupAndConfigurations, ROLE, waitUntilSettled } from "./shared.js";
import { type LocalStack, startLocalStack } from "./stack.js";

describe.skipIf(skipWithoutMoto("MediaPackage emulator API tests"))("MediaPackage VOD emulator: API", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack(BUCKET);
    await createGroupAndConfigurations(stack);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test("an unreadable source ends FAILED on every endpoint", async () => {
    const created = await stack.mediapackage.send(
      new CreateAssetCommand({
        Id: "asset-1",
        PackagingGroupId: "pg",
        SourceArn: `arn:aws:s3:::${BUCKET}/no/such/index.m3u8`,
        SourceRoleArn: ROLE,
      }),
    );
    expect(created.EgressEndpoints?.map((endpoint) => endpoint.Status)).toEqual(CONFIGS.map(() => "QUEUED"));
    const failed = await waitUntilSettled(stack.mediapackage, "asset-1");
    expect(failed.EgressEndpoints?.map((endpoint) => endpoint.Status)).toEqual(CONFIGS.map(() => "FAILED"));
  });

  test.each([
    ["DescribeAsset of a missing asset", () => new DescribeAssetCommand({ Id: "nope" }), NotFoundException],
    [
      "DescribePackagingGroup of a missing group",
      () => new DescribePackagingGroupCommand({ Id: "nope" }),
      NotFoundException,
    ],
    ["DeleteAsset of a missing asset", () => new DeleteAssetCommand({ Id: "nope" }), NotFoundException],
    [
      "CreateAsset in a missing group",
      () =>
        new CreateAssetCommand({
          Id: "x",
          PackagingGroupId: "nope",
          SourceArn: "arn:aws:s3:::b/k.m3u8",
          SourceRoleArn: ROLE,
        }),
      UnprocessableEntityException,
    ],
    [
      "CreateAsset with an id in use",
      () =>
        new CreateAssetCommand({
          Id: "asset-1",
          PackagingGroupId: "pg",
          SourceArn: "arn:aws:s3:::b/k.m3u8",
          SourceRoleArn: ROLE,
        }),
      UnprocessableEntityException,
    ],
    [
      "CreatePackagingConfiguration with two packages",
      () =>
        new CreatePackagingConfigurationCommand({
          Id: "two",
          PackagingGroupId: "pg",
          HlsPackage: { HlsManifests: [{}] },
          MssPackage: { MssManifests: [{}] },
        }),
      UnprocessableEntityException,
    ],
    [
      "CreatePackagingGroup with an unreadable CDN secret",
      () =>
        new CreatePackagingGroupCommand({
          Id: "g2",
          Authorization: {
            CdnIdentifierSecret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:none",
            SecretsRoleArn: ROLE,
          },
        }),
      UnprocessableEntityException,
    ],
  ])("%s raises the SDK's exception class", async (_name, command, errorClass) => {
    await expect(stack.mediapackage.send(command() as never)).rejects.toBeInstanceOf(errorClass);
  });

  test("an unsigned request is refused with ForbiddenException", async () => {
    const response = await fetch(`${stack.emulator.endpoint}/packaging_groups/pg`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toBe("ForbiddenException");
    expect(await response.json()).toEqual({ message: expect.stringContaining("SigV4") });
    expect(ForbiddenException.name).toBe("ForbiddenException");
  });

  test("an injected throttle surfaces as TooManyRequestsException once the SDK's retries are spent", async () => {
    const client = new MediaPackageVodClient({
      region: stack.moto.region,
      credentials: stack.moto.credentials,
      endpoint: stack.emulator.endpoint,
      maxAttempts: 1,
    });
    stack.emulator.injectFault("DescribePackagingGroup", "TooManyRequestsException", 1);
    await expect(client.send(new DescribePackagingGroupCommand({ Id: "pg" }))).rejects.toBeInstanceOf(
      TooManyRequestsException,
    );
    expect((await client.send(new DescribePackagingGroupCommand({ Id: "pg" }))).Id).toBe("pg");
  });

  test("ListPackagingConfigurations pages with MaxResults/NextToken and filters by group", async () => {
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await stack.mediapackage.send(
        new ListPackagingConfigurationsCommand({ PackagingGroupId: "pg", MaxResults: 4, NextToken: token }),
      );
      ids.push(...(page.PackagingConfigurations ?? []).map((config) => config.Id as string));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(ids).toEqual(CONFIGS.map((config) => config.Id));
    const other = await stack.mediapackage.send(
      new ListPackagingConfigurationsCommand({ PackagingGroupId: "other" }),
    );
    expect(other.PackagingConfigurations).toEqual([]);
    await expect(
      stack.mediapackage.send(new ListPackagingConfigurationsCommand({ NextToken: "made-up" })),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);
  });

  test("DescribePackagingGroup returns the Authorization and counts assets", async () => {
    const group = await stack.mediapackage.send(new DescribePackagingGroupCommand({ Id: "pg" }));
    expect(group.Authorization?.SecretsRoleArn).toBe(ROLE);
    expect(group.ApproximateAssetCount).toBe(1);
    expect(group.DomainName).toBe(stack.emulator.endpoint);
  });
});
