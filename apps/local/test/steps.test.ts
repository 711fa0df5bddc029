/** The emulator's pure steps, one table each. Expected values are worked out by hand from RFC 8216 / RFC 9110. */
import { describe, expect, test } from "vitest";
import { InvalidPlaylistError } from "../src/errors.js";
import { parseAttributeList } from "../src/hls/attributes.js";
import { parseMasterPlaylist } from "../src/hls/master-playlist.js";
import { listMediaSegments, rewriteMediaPlaylistUris } from "../src/hls/media-playlist.js";
import { areaOf, relativePrefix } from "../src/mediapackage/asset-jobs.js";
import { identifierIn } from "../src/mediapackage/cdn-auth.js";
import { encodeToken, paginate } from "../src/mediapackage/paginate.js";
import { parseSourceArn } from "../src/mediapackage/validate.js";
import { fromWire, toWire } from "../src/mediapackage/wire.js";
import {
  appendToPeriod,
  prefixSegmentTemplateUrls,
  presentationSeconds,
  removeStartNumber,
} from "../src/packaging/mpd-edit.js";
import { renditionNames } from "../src/packaging/package-hls.js";
import { formatVttTime } from "../src/source/subtitles.js";

describe("parseAttributeList", () => {
  test.each([
    [
      "BANDWIDTH=800000,RESOLUTION=640x360",
      [
        ["BANDWIDTH", "800000"],
        ["RESOLUTION", "640x360"],
      ],
    ],
    [
      'CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aac"',
      [
        ["CODECS", "avc1.4d401e,mp4a.40.2"],
        ["AUDIO", "aac"],
      ],
    ],
    ['URI=""', [["URI", ""]]],
  ])("%s", (text, expected) => {
    expect([...parseAttributeList(text)]).toEqual(expected);
  });

  test("refuses a list that is not NAME=value", () => {
    expect(() => parseAttributeList("bandwidth=1")).toThrow(InvalidPlaylistError);
  });
});

describe("parseMasterPlaylist", () => {
  const master = [
    "#EXTM3U",
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="English",LANGUAGE="en",DEFAULT=YES,URI="audio/en.m3u8"',
    '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="Deutsch",LANGUAGE="de",URI="subs/de.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="a"',
    "hi/index.m3u8",
    '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="hi/iframes.m3u8"',
    "#EXT-X-STREAM-INF:BANDWIDTH=400000",
    "lo/index.m3u8",
  ].join("\n");

  test("variants in order, with their attributes", () => {
    expect(parseMasterPlaylist(master).variants).toEqual([
      {
        uri: "hi/index.m3u8",
        bandwidth: 1200000,
        resolution: "1280x720",
        codecs: "avc1.64001f,mp4a.40.2",
        frameRate: undefined,
      },
      {
        uri: "lo/index.m3u8",
        bandwidth: 400000,
        resolution: undefined,
        codecs: undefined,
        frameRate: undefined,
      },
    ]);
  });

  test("audio and subtitle renditions with a URI; closed captions are not inputs", () => {
    expect(parseMasterPlaylist(master).renditions).toEqual([
      { type: "AUDIO", groupId: "a", name: "English", language: "en", isDefault: true, uri: "audio/en.m3u8" },
      {
        type: "SUBTITLES",
        groupId: "s",
        name: "Deutsch",
        language: "de",
        isDefault: false,
        uri: "subs/de.m3u8",
      },
    ]);
  });

  test.each([
    ["not a playlist", "<MPD/>"],
    ["STREAM-INF without URI", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-ENDLIST"],
    ["STREAM-INF without BANDWIDTH", "#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=2x2\na.m3u8"],
    ["no variant", "#EXTM3U\n#EXTINF:2,\na.ts"],
  ])("refuses %s", (_name, text) => {
    expect(() => parseMasterPlaylist(text)).toThrow(InvalidPlaylistError);
  });
});

describe("media playlists", () => {
  const playlist =
    '#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\n#EXTINF:2.000,\r\nseg_0.mp4\r\n#EXTINF:1.5,\r\nseg_1.mp4\r\n#EXT-X-ENDLIST\r\n';

  test("listMediaSegments pairs each URI with its EXTINF", () => {
    expect(listMediaSegments(playlist)).toEqual([
      { uri: "seg_0.mp4", durationSeconds: 2 },
      { uri: "seg_1.mp4", durationSeconds: 1.5 },
    ]);
  });

  test("rewriteMediaPlaylistUris rewrites segment lines and EXT-X-MAP, keeps every other line", () => {
    expect(rewriteMediaPlaylistUris(playlist, (uri) => `../../../x/y/${uri}`)).toBe(
      '#EXTM3U\n#EXT-X-MAP:URI="../../../x/y/init.mp4"\n#EXTINF:2.000,\n../../../x/y/seg_0.mp4\n#EXTINF:1.5,\n../../../x/y/seg_1.mp4\n#EXT-X-ENDLIST\n',
    );
  });
});

describe("paginate", () => {
  const items = ["a", "b", "c", "d", "e"];
  test.each([
    [2, undefined, ["a", "b"], encodeToken(2, "f")],
    [2, encodeToken(2, "f"), ["c", "d"], encodeToken(4, "f")],
    [2, encodeToken(4, "f"), ["e"], undefined],
    [5, undefined, items, undefined],
  ])("max %i from token %s", (max, token, page, next) => {
    expect(paginate(items, max, token, "f")).toEqual({ items: page, nextToken: next });
  });

  test.each([["garbage"], [encodeToken(2, "another filter")], [encodeToken(-1, "f")]])(
    "refuses token %s",
    (token) => {
      expect(() => paginate(items, 2, token, "f")).toThrow(/NextToken/);
    },
  );
});

describe("egress paths", () => {
  test.each([
    ["/out/v1/g/c/a", "../../../"],
    ["/out/v1/g/c/a/index.ism", "../../../../"],
  ])("relativePrefix(%s) = %s", (path, prefix) => {
    expect(relativePrefix(path)).toBe(prefix);
    // Resolving the prefix from inside that directory lands on /out/v1/.
    expect(new URL(prefix, `http://h${path}/`).pathname).toBe("/out/v1/");
  });

  test("areaOf takes the two segments after /out/v1/", () => {
    expect(areaOf("/out/v1/g/c/a/index.m3u8")).toBe("g/c");
  });
});

describe("MPD edits", () => {
  const mpd = [
    '<MPD mediaPresentationDuration="PT1M4.5S">',
    "\t<Period>",
    '\t\t<SegmentTemplate timescale="1" initialization="i_$RepresentationID$.mp4" media="m_$Number$.mp4" startNumber="1">',
    "\t</Period>",
    "</MPD>",
  ].join("\n");

  test("prefixSegmentTemplateUrls prefixes both initialization and media", () => {
    expect(prefixSegmentTemplateUrls(mpd, "../x/")).toContain(
      'initialization="../x/i_$RepresentationID$.mp4" media="../x/m_$Number$.mp4"',
    );
  });

  test("removeStartNumber drops only startNumber", () => {
    expect(removeStartNumber(mpd)).toContain('media="m_$Number$.mp4">');
  });

  test("appendToPeriod puts the set last in the Period", () => {
    expect(appendToPeriod(mpd, "\t\t<X/>")).toMatch(/startNumber="1">\n\t\t<X\/>\n\t<\/Period>/);
  });

  test.each([
    ['mediaPresentationDuration="PT1M4.5S"', 64.5],
    ['mediaPresentationDuration="PT4.0S"', 4],
    ['mediaPresentationDuration="PT1H"', 3600],
  ])("presentationSeconds(%s) = %d", (attribute, seconds) => {
    expect(presentationSeconds(`<MPD ${attribute}>`)).toBe(seconds);
  });
});

describe("small conversions", () => {
  test("wire names are camelCase; tag keys are user data and stay as given", () => {
    const sdk = {
      PackagingGroupId: "pg",
      Tags: { Team: "Media" },
      Authorization: { CdnIdentifierSecret: "s" },
    };
    const wire = {
      packagingGroupId: "pg",
      tags: { Team: "Media" },
      authorization: { cdnIdentifierSecret: "s" },
    };
    expect(toWire(sdk)).toEqual(wire);
    expect(fromWire(wire)).toEqual(sdk);
  });

  test.each([
    ['{"MediaPackageCDNIdentifier":"abc"}', "abc"],
    ['{"MediaPackageCDNIdentifier":""}', undefined],
    ['{"other":"abc"}', undefined],
    ["abc", undefined],
    [undefined, undefined],
  ])("identifierIn(%s) = %s", (secret, expected) => {
    expect(identifierIn(secret)).toBe(expected);
  });

  test.each([
    ["arn:aws:s3:::bucket/path/index.m3u8", { bucket: "bucket", key: "path/index.m3u8" }],
    ["arn:aws:s3:::bucket/path/index.smil", undefined],
    ["arn:aws:s3:::bucket", undefined],
    ["s3://bucket/path/index.m3u8", undefined],
  ])("parseSourceArn(%s)", (arn, expected) => {
    expect(parseSourceArn(arn)).toEqual(expected);
  });

  test.each([
    ["ts" as const, { video: ["1", "2"], audio: "3", subtitles: ["4"] }],
    ["fmp4" as const, { video: ["video_1", "video_2"], audio: "audio_1", subtitles: ["subtitles_1"] }],
  ])("renditionNames for %s", (type, expected) => {
    expect(renditionNames(2, true, 1, type)).toEqual(expected);
  });

  test.each([
    [0, "00:00:00.000"],
    [2, "00:00:02.000"],
    [3661.25, "01:01:01.250"],
  ])("formatVttTime(%d) = %s", (seconds, text) => {
    expect(formatVttTime(seconds)).toBe(text);
  });
});
