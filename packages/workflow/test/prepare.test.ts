import { describe, expect, test } from "vitest";
import { resolveEndpoints } from "../src/endpoints.js";
import { InvalidRequestError } from "../src/errors.js";
import type { ResolveEndpointsInput } from "../src/lambda-contracts.js";
import { prepareRequest } from "../src/prepare.js";
import { MAX_ENDPOINTS } from "../src/schemas.js";
import { SEED_INPUT } from "./harness.js";

const cr = SEED_INPUT.createAssetRequest;

describe("prepareRequest", () => {
  test("the seed input normalizes to a mediapackage job", () => {
    expect(prepareRequest({ input: SEED_INPUT })).toEqual({
      request: {
        mode: "mediapackage",
        assetId: "asset-1",
        destination: { bucket: "dest-bucket", prefix: "vod-downloads/asset-1/" },
        options: { overwrite: false, packagingConfigurationIds: null, deleteAssetAfterHarvest: false },
        asset: {
          Id: "asset-1",
          PackagingGroupId: "pg-1",
          SourceArn: cr.SourceArn,
          SourceRoleArn: cr.SourceRoleArn,
        },
        sources: null,
      },
    });
  });

  test.each([
    [undefined, "asset-1/"],
    ["", "asset-1/"],
    ["a/b", "a/b/asset-1/"],
    ["/a/b/", "a/b/asset-1/"],
  ])("DestinationPath %j → prefix %j", (path, prefix) => {
    const input = { createAssetRequest: { ...cr, DestinationPath: path } };
    expect(prepareRequest({ input }).request.destination.prefix).toBe(prefix);
  });

  test("options are normalized", () => {
    const input = { ...SEED_INPUT, options: { Overwrite: true, PackagingConfigurationIds: ["hls"] } };
    expect(prepareRequest({ input }).request.options).toEqual({
      overwrite: true,
      packagingConfigurationIds: ["hls"],
      deleteAssetAfterHarvest: false,
    });
  });

  const direct = {
    Id: "show-7",
    Sources: [{ Name: "hls", Url: "https://origin.test/a/index.m3u8" }],
    DestinationBucket: "dest-bucket",
  };

  test.each([
    [null, "input", "must be a JSON object"],
    [{ createAssetRequest: cr, harvestRequest: direct }, "harvestRequest", "give either"],
    [{ createAssetRequest: { ...cr, Id: "a/b" } }, "createAssetRequest.Id", "must be 1-128 characters"],
    [
      { createAssetRequest: { ...cr, PackagingGroupId: 7 } },
      "createAssetRequest.PackagingGroupId",
      "expected string",
    ],
    [
      { createAssetRequest: { ...cr, SourceRoleArn: "MediaPackage_Default_Role" } },
      "createAssetRequest.SourceRoleArn",
      "IAM role ARN",
    ],
    [
      { createAssetRequest: { ...cr, DestinationBucket: "Dest_Bucket" } },
      "createAssetRequest.DestinationBucket",
      "bucket name",
    ],
    [
      { createAssetRequest: { ...cr, DestinationPath: "a/../b" } },
      "createAssetRequest.DestinationPath",
      "'..'",
    ],
    [
      { createAssetRequest: { ...cr, DestinationPath: "a//b" } },
      "createAssetRequest.DestinationPath",
      "empty",
    ],
    [{ createAssetRequest: { ...cr, Extra: 1 } }, "createAssetRequest.Extra", "is not a known field"],
    [{ ...SEED_INPUT, options: { Overwrite: "yes" } }, "options.Overwrite", "expected boolean"],
    [
      { ...SEED_INPUT, options: { PackagingConfigurationIds: [] } },
      "options.PackagingConfigurationIds",
      ">=1",
    ],
    [
      { ...SEED_INPUT, options: { PackagingConfigurationIds: ["a", "a"] } },
      "options.PackagingConfigurationIds",
      "repeat",
    ],
    [{ harvestRequest: { ...direct, Sources: [] } }, "harvestRequest.Sources", ">=1"],
    [
      { harvestRequest: { ...direct, Sources: [{ Name: "x", Url: "file:///etc/passwd" }] } },
      "harvestRequest.Sources.0.Url",
      "http(s) URL",
    ],
    [
      { harvestRequest: direct, options: { DeleteAssetAfterHarvest: true } },
      "options.DeleteAssetAfterHarvest",
      "direct mode",
    ],
    [
      { harvestRequest: direct, options: { PackagingConfigurationIds: ["dash"] } },
      "options.PackagingConfigurationIds",
      "no source named 'dash'",
    ],
  ])("%j → InvalidRequest on %s", (input, field, problem) => {
    let caught: unknown;
    try {
      prepareRequest({ input });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    const error = caught as InvalidRequestError;
    expect(error.name).toBe("InvalidRequest");
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toContain(problem);
  });

  const at = (DestinationPath: string) => ({
    createAssetRequest: { ...SEED_INPUT.createAssetRequest, DestinationPath },
  });
  test.each([
    ["vod-downloads", "", "vod-downloads/asset-1/"],
    ["vod-downloads", "vod-downloads/", "vod-downloads/asset-1/"],
    ["vod-downloads/2026", "vod-downloads/", "vod-downloads/2026/asset-1/"],
    ["", "asset-1/", "asset-1/"],
  ])("DestinationPath %j is allowed under destinationPrefix %j", (path, destinationPrefix, prefix) => {
    const { request } = prepareRequest({ input: at(path) }, { destinationPrefix });
    expect(request.destination.prefix).toBe(prefix);
  });

  test.each([
    [at("other"), "vod-downloads/", "createAssetRequest.DestinationPath", "must be under 'vod-downloads/'"],
    [at("vod-downloadsX"), "vod-downloads/", "createAssetRequest.DestinationPath", "must be under"],
    [at("_vod-harvest-state"), "", "createAssetRequest.DestinationPath", "the harvest's own state"],
    [
      { harvestRequest: { ...direct, DestinationPath: "elsewhere" } },
      "vod/",
      "harvestRequest.DestinationPath",
      "(the asset would go to 'elsewhere/show-7/')",
    ],
  ])("%j with destinationPrefix %j → InvalidRequest on %s", (input, destinationPrefix, field, problem) => {
    expect(() => prepareRequest({ input }, { destinationPrefix })).toThrow(
      expect.objectContaining({ name: "InvalidRequest", field, message: expect.stringContaining(problem) }),
    );
  });
});

describe("resolveEndpoints", () => {
  const endpoint = (id: string, status = "QUEUED") => ({
    PackagingConfigurationId: id,
    Status: status,
    Url: `https://egress.test/out/v1/pg-1/${id}/asset-1/index.m3u8`,
  });
  const base: ResolveEndpointsInput = {
    asset: { PackagingGroupId: "pg-1", EgressEndpoints: [endpoint("hls"), endpoint("dash")] },
    packagingGroup: { Id: "pg-1" },
    packagingGroupId: "pg-1",
    packagingConfigurationIds: null,
  };

  test.each([
    [null, ["hls", "dash"]],
    [["dash"], ["dash"]],
    [
      ["dash", "hls"],
      ["hls", "dash"],
    ],
  ])("filter %j keeps %j in the asset's order", (ids, kept) => {
    const out = resolveEndpoints({ ...base, packagingConfigurationIds: ids });
    expect(out.endpoints.map((e) => e.packagingConfigurationId)).toEqual(kept);
    expect(out.endpoints.map((e) => e.packagingStatus)).toEqual(kept.map(() => "PENDING"));
    expect(out.pending).toBe(kept.length);
    expect(out.cdnIdentifierSecretArn).toBeNull();
  });

  test.each([
    [
      ["QUEUED", "PROCESSING", "PLAYABLE", "FAILED", "SOMETHING_NEW"],
      ["PENDING", "PENDING", "PLAYABLE", "FAILED", "PENDING"],
      3,
    ],
    [["PLAYABLE", "FAILED"], ["PLAYABLE", "FAILED"], 0],
  ])("statuses %j → %j, %i pending", (statuses, expected, pending) => {
    const asset = {
      PackagingGroupId: "pg-1",
      EgressEndpoints: statuses.map((status, i) => endpoint(`c${i}`, status)),
    };
    const out = resolveEndpoints({ ...base, asset });
    expect(out.endpoints.map((e) => e.packagingStatus)).toEqual(expected);
    expect(out.pending).toBe(pending);
  });

  test("the CDN secret's ARN comes from the packaging group's Authorization", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:cdn-AbCdEf";
    const out = resolveEndpoints({
      ...base,
      packagingGroup: { Id: "pg-1", Authorization: { CdnIdentifierSecret: arn } },
    });
    expect(out.cdnIdentifierSecretArn).toBe(arn);
  });

  test.each([
    [
      { asset: { PackagingGroupId: "pg-2", EgressEndpoints: [endpoint("hls")] } },
      "createAssetRequest.PackagingGroupId",
    ],
    [{ asset: { PackagingGroupId: "pg-1" } }, "createAssetRequest.PackagingGroupId"],
    [{ packagingConfigurationIds: ["mss"] }, "options.PackagingConfigurationIds"],
    [
      {
        asset: {
          PackagingGroupId: "pg-1",
          EgressEndpoints: Array.from({ length: MAX_ENDPOINTS + 1 }, (_, i) => endpoint(`c${i}`)),
        },
      },
      "options.PackagingConfigurationIds",
    ],
  ])("%j → InvalidRequest on %s", (override, field) => {
    expect(() => resolveEndpoints({ ...base, ...override })).toThrow(
      expect.objectContaining({ name: "InvalidRequest", field }),
    );
  });
});
