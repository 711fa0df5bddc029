// The harvest handler with CDN authorization: the identifier read by ARN from Secrets Manager (moto), sent to
// an origin that requires it, and never found in logs, outputs, errors or stored state.
import { Logger } from "@aws-lambda-powertools/logger";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import type { HarvestInput, HarvestOutput } from "@vod-harvest/workflow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import {
  CDN_IDENTIFIER_HEADER,
  CDN_SECRET_TTL_SECONDS,
  clearCdnSecretCache,
  createCdnSecretReader,
  createHarvestHandler,
  createLogger,
  type HarvestHandlerDeps,
  REDACTED,
} from "../src/index.js";
import { assetUnder, EXPECTED_OBJECTS } from "./fixture.js";
import {
  type Aws,
  CapturedOutput,
  createBucket,
  createCdnSecret,
  fakeContext,
  startAws,
  testObservability,
} from "./support.js";

const BUCKET = "dest-bucket";
const SECRET = "cdn-identifier-7f3a9c1e-do-not-log";

describe.skipIf(skipWithoutMoto("packages/handlers CDN authorization tests"))("CDN authorization", () => {
  let aws: Aws;
  let cdnOrigin: TestOrigin;
  const output = new CapturedOutput();

  beforeAll(async () => {
    aws = await startAws();
    await createBucket(aws, BUCKET);
    cdnOrigin = await startTestOrigin({
      files: assetUnder("out/asset"),
      requireHeaders: { [CDN_IDENTIFIER_HEADER]: SECRET },
    });
  });
  afterAll(async () => {
    await cdnOrigin?.close();
    await aws?.moto.stop();
  });
  beforeEach(() => {
    clearCdnSecretCache();
    cdnOrigin.resetLog();
    output.clear();
    output.start();
  });
  afterEach(() => output.stop());

  const harvestInput = (config: string, secretArn: string): HarvestInput => ({
    assetId: "asset-cdn",
    packagingConfigurationId: config,
    entryUrl: cdnOrigin.urlOf("/out/asset/index.m3u8"),
    destination: { bucket: BUCKET, prefix: `vod/asset-cdn/${config}/` },
    overwrite: false,
    cdnIdentifierSecretArn: secretArn,
    cursor: null,
  });
  const harvestDeps = (overrides: Partial<HarvestHandlerDeps> = {}): HarvestHandlerDeps => ({
    ...testObservability(),
    s3: aws.s3,
    secretsManager: aws.secretsManager,
    safetyMarginMs: 0,
    ...overrides,
  });

  /** Invokes until done. */
  async function harvestToEnd(
    handler: ReturnType<typeof createHarvestHandler>,
    first: HarvestInput,
  ): Promise<HarvestOutput[]> {
    const outputs: HarvestOutput[] = [];
    let cursor = first.cursor;
    for (let i = 0; i < 40; i++) {
      const result = await handler({ ...first, cursor }, fakeContext(60_000));
      outputs.push(result);
      if (result.done) return outputs;
      cursor = result.cursor;
    }
    throw new Error("harvest made no progress in 40 invocations");
  }

  test("the identifier is read by ARN once per container, sent on every request, and never logged or returned", async () => {
    const arn = await createCdnSecret(aws, SECRET);
    const send = vi.spyOn(aws.secretsManager, "send");
    // A logger without the redaction: proves the handler never logs the value in the first place.
    const deps = harvestDeps({ logger: new Logger({ serviceName: "vod-harvest", logLevel: "DEBUG" }) });
    const handler = createHarvestHandler(deps);
    // Two endpoints of one asset, by the same warm container.
    const results: HarvestOutput[] = [];
    for (const config of ["hls", "cmaf"])
      results.push(...(await harvestToEnd(handler, harvestInput(config, arn))));

    expect(results.at(-1)).toMatchObject({ done: true, objectsDone: EXPECTED_OBJECTS });
    const secretReads = send.mock.calls.filter(
      ([command]) => (command.input as { SecretId?: string }).SecretId === arn,
    );
    expect(secretReads).toHaveLength(1);
    send.mockRestore();
    expect(cdnOrigin.requests.length).toBeGreaterThanOrEqual(2 * EXPECTED_OBJECTS);
    expect(cdnOrigin.requests.every((r) => r.headers["x-mediapackage-cdnidentifier"] === SECRET)).toBe(true);
    expect(output.text()).not.toContain(SECRET);
    expect(output.text()).toContain("harvest invocation ended");
    expect(JSON.stringify(results)).not.toContain(SECRET);
    const plan = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: results[0]?.cursor.planKey }));
    expect(await plan.Body?.transformToString()).not.toContain(SECRET);
  });

  test.each([
    {
      label: "a wrong identifier (the origin answers 404)",
      secretString: JSON.stringify({ MediaPackageCDNIdentifier: "wrong-identifier-9d2b" }),
      name: "OriginHttpError",
      value: "wrong-identifier-9d2b",
    },
    {
      label: "a secret without the identifier field",
      secretString: JSON.stringify({ Other: "unrelated-value-51ac" }),
      name: "CdnSecretUnreadable",
      value: "unrelated-value-51ac",
    },
    {
      label: "a secret that is not JSON",
      secretString: "plain-text-secret-8e0f",
      name: "CdnSecretUnreadable",
      value: "plain-text-secret-8e0f",
    },
  ])(
    "$label fails with $name, the value in neither the error nor the logs",
    async ({ secretString, name, value }) => {
      const created = await aws.secretsManager.send(
        new CreateSecretCommand({
          Name: `bad-${name}-${Date.now()}-${Math.random()}`,
          SecretString: secretString,
        }),
      );
      const handler = createHarvestHandler(
        harvestDeps({ logger: new Logger({ serviceName: "vod-harvest", logLevel: "DEBUG" }) }),
      );
      const error = (await handler(
        harvestInput("bad-secret", created.ARN as string),
        fakeContext(60_000),
      ).catch((e: unknown) => e)) as Error;
      expect(error.name).toBe(name);
      expect(error.message).toContain(name === "OriginHttpError" ? "HTTP 404" : (created.ARN as string));
      expect(`${error.message} ${String(error.cause ?? "")}`).not.toContain(value);
      expect(output.text()).toContain(`"level":"ERROR"`);
      expect(output.text()).not.toContain(value);
    },
  );

  test("a cached value is read again once CDN_SECRET_TTL_SECONDS have passed (a rotation is picked up)", async () => {
    const arn = await createCdnSecret(aws, "identifier-before-rotation-7a1b");
    const send = vi.spyOn(aws.secretsManager, "send");
    const reads = () =>
      send.mock.calls.filter(
        ([c]) => c instanceof GetSecretValueCommand && (c.input as { SecretId?: string }).SecretId === arn,
      );
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const read = createCdnSecretReader(aws.secretsManager);
      expect(await read(arn)).toBe("identifier-before-rotation-7a1b");
      await aws.secretsManager.send(
        new PutSecretValueCommand({
          SecretId: arn,
          SecretString: JSON.stringify({ MediaPackageCDNIdentifier: "identifier-after-rotation-7a1b" }),
        }),
      );
      vi.advanceTimersByTime((CDN_SECRET_TTL_SECONDS - 1) * 1000);
      expect(await read(arn)).toBe("identifier-before-rotation-7a1b");
      expect(reads()).toHaveLength(1);
      vi.advanceTimersByTime(2_000);
      expect(await read(arn)).toBe("identifier-after-rotation-7a1b");
      expect(reads()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
      send.mockRestore();
    }
  });

  test("the logger redacts a registered secret value and CDN header fields if one were ever logged", async () => {
    const arn = await createCdnSecret(aws, "identifier-for-redaction-3c4d");
    const value = await createCdnSecretReader(aws.secretsManager)(arn);
    const logger = createLogger();
    logger.info(`about ${value}`, { headers: { [CDN_IDENTIFIER_HEADER]: "any" }, note: `x${value}y` });
    logger.error("failed", { error: new Error(`boom ${value}`) });
    const text = output.text();
    expect(text).not.toContain(value);
    expect(text).not.toContain('"any"');
    // The message, `note`, the header field, and the error's message and stack.
    expect(text.split(REDACTED).length - 1).toBe(5);
  });
});
