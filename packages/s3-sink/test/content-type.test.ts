import { describe, expect, test } from "vitest";
import { contentTypeFor, preferredContentType } from "../src/content-type.js";

describe("contentTypeFor", () => {
  test.each([
    ["hls/index.m3u8", "application/vnd.apple.mpegurl"],
    ["hls/VIDEO.M3U8", "application/vnd.apple.mpegurl"],
    ["dash/index.mpd", "application/dash+xml"],
    ["mss/asset.ism/Manifest", "text/xml"],
    ["mss/manifest", "text/xml"],
    ["mss/asset.ism", "text/xml"],
    ["mss/asset.ismc", "text/xml"],
    ["hls/seg_00001.ts", "video/mp2t"],
    ["cmaf/video.mp4", "video/mp4"],
    ["cmaf/seg-1.m4s", "video/mp4"],
    ["cmaf/seg-1.cmfv", "video/mp4"],
    ["cmaf/video.m4v", "video/mp4"],
    ["cmaf/audio-1.cmfa", "audio/mp4"],
    ["cmaf/audio.m4a", "audio/mp4"],
    ["hls/audio_1.aac", "audio/aac"],
    ["subs/en.vtt", "text/vtt"],
    ["subs/en.webvtt", "text/vtt"],
    ["subs/en.ttml", "application/ttml+xml"],
    ["subs/en.dfxp", "application/ttml+xml"],
    ["subs/en.xml", "application/xml"],
    ["thumbs/t1.jpg", "image/jpeg"],
    ["thumbs/t1.JPEG", "image/jpeg"],
    ["thumbs/t1.png", "image/png"],
    ["keys/k1.key", "application/octet-stream"],
    ["mss/QualityLevels(128000)/Fragments(audio=0)", "application/octet-stream"],
    ["no-extension", "application/octet-stream"],
    ["odd.unknownext", "application/octet-stream"],
    // The directory's dot must not count as the file's extension.
    ["dir.m3u8/segment", "application/octet-stream"],
  ])("%s → %s", (key, expected) => {
    expect(contentTypeFor(key)).toBe(expected);
  });
});

describe("preferredContentType", () => {
  test.each([
    // Manifests always get ours, whatever the origin says.
    ["index.m3u8", "binary/octet-stream", "application/vnd.apple.mpegurl"],
    ["index.m3u8", "audio/x-mpegurl", "application/vnd.apple.mpegurl"],
    ["index.mpd", "application/xml", "application/dash+xml"],
    ["a.ism/Manifest", undefined, "text/xml"],
    // Generic or missing origin types give way to ours.
    ["s.ts", "binary/octet-stream", "video/mp2t"],
    ["s.ts", "application/octet-stream; charset=binary", "video/mp2t"],
    ["s.ts", "", "video/mp2t"],
    ["s.ts", undefined, "video/mp2t"],
    // A specific origin type is kept as sent.
    ["s.mp4", 'video/mp4; codecs="avc1.64001f"', 'video/mp4; codecs="avc1.64001f"'],
    ["blob", "image/webp", "image/webp"],
  ])("%s with origin %j → %s", (key, origin, expected) => {
    expect(preferredContentType(key, origin)).toBe(expected);
  });
});
