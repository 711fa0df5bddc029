// The Lambdas hide a CDN secret the way the command line does: every form of it, and URL credentials.
import { afterEach, describe, expect, test } from "vitest";
import { instrument } from "../src/observability.js";
import {
  clearSecretValues,
  REDACTED,
  redactingReplacer,
  redactText,
  registerSecretValue,
} from "../src/redaction.js";
import { fakeContext, testObservability } from "./support.js";

const SECRET = "cdn id/with+space é";

afterEach(() => clearSecretValues());

describe("redactText", () => {
  test.each([
    ["as is", SECRET],
    [
      "percent-encoded, lower-case hex",
      encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (c) => c.toLowerCase()),
    ],
    ["form-encoded", new URLSearchParams({ v: SECRET }).toString().slice(2)],
    ["base64", Buffer.from(SECRET).toString("base64")],
  ])("a registered secret, %s, is hidden", (_form, written) => {
    registerSecretValue(SECRET);
    expect(redactText(`redirect to https://cdn.example/x?id=${written}`)).toBe(
      `redirect to https://cdn.example/x?id=${REDACTED}`,
    );
  });

  test("URL credentials are removed whether or not a secret is registered", () => {
    expect(redactText("https://user:pass@origin.example/a.m3u8: HTTP 404")).toBe(
      "https://***@origin.example/a.m3u8: HTTP 404",
    );
  });

  test("the logger's replacer hides the CDN header field and registered values in any field", () => {
    registerSecretValue(SECRET);
    expect(redactingReplacer("X-MediaPackage-CDNIdentifier", "anything")).toBe(REDACTED);
    expect(redactingReplacer("message", `got ${SECRET}`)).toBe(`got ${REDACTED}`);
  });
});

describe("errors leaving a handler", () => {
  test("a thrown error reaches Step Functions (its Cause) redacted: message and stack; name and type kept", async () => {
    registerSecretValue(SECRET);
    class OriginError extends Error {
      override name = "OriginRefused";
    }
    const handler = instrument("harvest", testObservability(), async () => {
      throw new OriginError(`GET https://user:pw@cdn.example/a.ts?id=${encodeURIComponent(SECRET)} → 403`);
    });
    const thrown = await handler({}, fakeContext(3000)).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(OriginError);
    expect(thrown).toMatchObject({
      name: "OriginRefused",
      message: `GET https://***@cdn.example/a.ts?id=${REDACTED} → 403`,
    });
    expect((thrown as Error).stack).not.toContain("pw@");
    expect((thrown as Error).stack).not.toContain(encodeURIComponent(SECRET));
  });
});
