import { describe, expect, test } from "vitest";
import { segmentKindOf } from "../../src/dash/kind.js";

describe("segmentKindOf", () => {
  test.each([
    [{ mimeType: "video/mp4" }, "media"],
    [{ mimeType: "audio/mp4", codecs: "mp4a.40.2" }, "media"],
    [{ mimeType: "text/vtt" }, "subtitle"],
    [{ mimeType: "application/ttml+xml" }, "subtitle"],
    [{ mimeType: "application/mp4", codecs: "stpp.ttml.im1t" }, "subtitle"],
    [{ mimeType: "application/mp4", codecs: "wvtt" }, "subtitle"],
    [{ mimeType: "application/mp4", codecs: "avc1.64001f" }, "media"],
    [{ contentType: "text" }, "subtitle"],
    [{ mimeType: "image/jpeg" }, "image"],
    [{ mimeType: "image/png" }, "image"],
    [{ contentType: "image" }, "image"],
    [{}, "media"],
  ])("%j → %s", (content, kind) => {
    expect(segmentKindOf(content)).toBe(kind);
  });
});
