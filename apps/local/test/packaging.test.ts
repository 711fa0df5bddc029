/**
 * The emulator packaging for real: moto (S3, Secrets Manager), ffmpeg, the MediaPackage VOD SDK client, and
 * ffmpeg/ffprobe again as the player that proves each endpoint decodes completely.
 */
import { join } from "node:path";
import {
  CreateAssetCommand,
  DeleteAssetCommand,
  DescribeAssetCommand,
  type DescribeAssetCommandOutput,
  NotFoundException,
} from "@aws-sdk/client-mediapackage-vod";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ffmpegAvailable, type GeneratedSource, generateSource, uploadSource } from "../src/index.js";
import { decodeAll, videoFrameCounts } from "./probe.js";
import {
  BUCKET,
  CDN_SECRET_VALUE,
  CONFIGS,
  createGroupAndConfigurations,
  HEADER,
  ROLE,
  waitUntilSettled,
} from "./shared.js";
import { type LocalStack, startLocalStack } from "./stack.js";

function skipWithoutFfmpeg(): boolean {
  if (ffmpegAvailable()) return false;
  console.warn("\n*** SKIPPED: ffmpeg not installed; MediaPackage emulator packaging tests not run ***\n");
  return true;
}

describe.skipIf(skipWithoutMoto("MediaPackage emulator packaging tests") || skipWithoutFfmpeg())(
  "MediaPackage VOD emulator: packaging and egress",
  () => {
    let stack: LocalStack;
    let source: GeneratedSource;
    let asset: DescribeAssetCommandOutput;
    const seenStatuses = new Set<string>();

    beforeAll(async () => {
      stack = await startLocalStack(BUCKET);
      source = await generateSource({
        dir: join(stack.workDir, "source"),
        seconds: 4,
        renditions: [
          { width: 480, height: 270, videoBitrateKbps: 600 },
          { width: 320, height: 180, videoBitrateKbps: 300 },
        ],
      });
      const { sourceArn } = await uploadSource(stack.s3, BUCKET, "path/to/asset-1", source.dir);
      await createGroupAndConfigurations(stack);
      const created = await stack.mediapackage.send(
        new CreateAssetCommand({
          Id: "asset-1",
          PackagingGroupId: "pg",
          SourceArn: sourceArn,
          SourceRoleArn: ROLE,
        }),
      );
      for (const endpoint of created.EgressEndpoints ?? []) seenStatuses.add(endpoint.Status ?? "");
      asset = await waitUntilSettled(stack.mediapackage, "asset-1");
    }, 120_000);

    afterAll(async () => {
      await stack?.stop();
    });

    test("the generated source has the frames it claims", async () => {
      expect(await videoFrameCounts(join(source.dir, source.entry))).toEqual([100, 100]);
      expect(source.framesPerRendition).toBe(100);
    });

    test("CreateAsset answers QUEUED endpoints, then every endpoint becomes PLAYABLE", () => {
      expect([...seenStatuses]).toEqual(["QUEUED"]);
      expect(
        asset.EgressEndpoints?.map((endpoint) => [endpoint.PackagingConfigurationId, endpoint.Status]),
      ).toEqual(CONFIGS.map((config) => [config.Id, "PLAYABLE"]));
    });

    test.each(CONFIGS.map((config) => config.Id as string))(
      "%s: egress URL shaped like MediaPackage's",
      (id) => {
        const url =
          asset.EgressEndpoints?.find((endpoint) => endpoint.PackagingConfigurationId === id)?.Url ?? "";
        const entry = id.startsWith("dash")
          ? "index\\.mpd"
          : id === "mss"
            ? "index\\.ism/Manifest"
            : "index\\.m3u8";
        expect(url).toMatch(
          new RegExp(`^${stack.emulator.endpoint}/out/v1/[0-9a-f]{32}/[0-9a-f]{32}/[0-9a-f]{32}/${entry}$`),
        );
      },
    );

    test.each(CONFIGS.map((config) => config.Id as string))(
      "%s: 404 without the CDN header, 200 with it",
      async (id) => {
        const url = asset.EgressEndpoints?.find((endpoint) => endpoint.PackagingConfigurationId === id)
          ?.Url as string;
        expect((await fetch(url)).status).toBe(404);
        expect((await fetch(url, { headers: { "X-MediaPackage-CDNIdentifier": "wrong" } })).status).toBe(404);
        expect(
          (await fetch(url, { headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE } })).status,
        ).toBe(200);
      },
    );

    // ffmpeg 5.1's DASH reader asks for one segment past the end of a NUMBER_WITH_DURATION template (it computes
    // first + floor(duration / d) instead of first + ceil(duration / d) - 1) and logs that 404; the MPD is right.
    const PAST_END_PROBE =
      /^\[dash @ 0x[0-9a-f]+\] Error when loading first fragment of playlist$|^\s+Last message repeated \d+ times$/;

    test.each([
      ["hls", false],
      ["cmaf", false],
      ["dash-number_with_timeline", false],
      ["dash-time_with_timeline", false],
      ["dash-number_with_duration", true],
    ])(
      "%s: ffmpeg decodes it completely, with the source's frame count",
      async (id, pastEndProbe) => {
        const url = asset.EgressEndpoints?.find((endpoint) => endpoint.PackagingConfigurationId === id)
          ?.Url as string;
        const complaints = (await decodeAll(url, [HEADER]))
          .split("\n")
          .filter((line) => line !== "" && !(pastEndProbe && PAST_END_PROBE.test(line)));
        expect(complaints).toEqual([]);
        expect(await videoFrameCounts(url, [HEADER])).toEqual([
          source.framesPerRendition,
          source.framesPerRendition,
        ]);
        // Without the header nothing decodes: the segments are protected too, not only the entry manifest.
        await expect(videoFrameCounts(url)).rejects.toThrow();
      },
      60_000,
    );

    async function egressText(id: string): Promise<{ url: string; text: string }> {
      const url = asset.EgressEndpoints?.find((endpoint) => endpoint.PackagingConfigurationId === id)
        ?.Url as string;
      const response = await fetch(url, { headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE } });
      return { url, text: await response.text() };
    }

    test.each([
      ["hls", "index_1.m3u8", /^\.\.\/\.\.\/\.\.\/[0-9a-f]{32}\/[0-9a-f]{32}\/index_1_0\.ts$/m],
      [
        "cmaf",
        "index_video_1.m3u8",
        /^#EXT-X-MAP:URI="\.\.\/\.\.\/\.\.\/[0-9a-f]{32}\/[0-9a-f]{32}\/index_video_1_init\.mp4"$/m,
      ],
      ["hls", "index_4.m3u8", /^\.\.\/\.\.\/\.\.\/[0-9a-f]{32}\/[0-9a-f]{32}\/index_4_0\.vtt$/m],
    ])("%s: media playlist %s reaches its segments through ../", async (id, playlist, expected) => {
      const { url } = await egressText(id);
      const child = await fetch(new URL(playlist, url), {
        headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE },
      });
      expect(child.status).toBe(200);
      expect(await child.text()).toMatch(expected);
    });

    test.each([
      ["dash-number_with_timeline", /media="[^"]*index_\$RepresentationID\$_\$Number\$\.mp4"/, true],
      ["dash-time_with_timeline", /media="[^"]*index_\$RepresentationID\$_\$Time\$\.mp4"/, true],
      ["dash-number_with_duration", /media="[^"]*index_\$RepresentationID\$_\$Number\$\.mp4"/, false],
    ])("%s: SegmentTemplate as configured", async (id, media, timeline) => {
      const { text } = await egressText(id);
      expect(text).toMatch(media);
      expect(text.includes("<SegmentTimeline>")).toBe(timeline);
      expect(text).toMatch(
        /initialization="\.\.\/\.\.\/\.\.\/[0-9a-f]{32}\/[0-9a-f]{32}\/index_\$RepresentationID\$_init\.mp4"/,
      );
    });

    test("DASH: the thumbnail AdaptationSet lists jpeg images that are served", async () => {
      const { url, text } = await egressText("dash-number_with_timeline");
      const set =
        /<AdaptationSet[^>]*contentType="image" mimeType="image\/jpeg">[\s\S]*?<\/AdaptationSet>/.exec(
          text,
        )?.[0];
      expect(set).toBeDefined();
      const template = /<SegmentTemplate timescale="1" duration="2" media="([^"]+)" startNumber="1" \/>/.exec(
        set ?? "",
      );
      expect(template?.[1]).toMatch(
        /^\.\.\/\.\.\/\.\.\/[0-9a-f]{32}\/[0-9a-f]{32}\/index_thumbnails_\$Number\$\.jpg$/,
      );
      // 4 s at one image per 2 s: images 1 and 2.
      for (const number of [1, 2]) {
        const image = await fetch(new URL((template?.[1] ?? "").replace("$Number$", String(number)), url), {
          headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE },
        });
        expect(image.status).toBe(200);
        expect(image.headers.get("content-type")).toBe("image/jpeg");
        expect([...new Uint8Array(await image.arrayBuffer()).subarray(0, 2)]).toEqual([0xff, 0xd8]);
      }
    });

    test("MSS: the Manifest is a VOD SmoothStreamingMedia whose every fragment is served", async () => {
      const { url, text } = await egressText("mss");
      expect(text).toMatch(
        /^<\?xml[^>]*\?>\s*<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="\d+">/,
      );
      expect(text).not.toContain("IsLive");
      expect(text.trim().endsWith("</SmoothStreamingMedia>")).toBe(true);
      const streams = [
        ...text.matchAll(/<StreamIndex Type="(\w+)"[^>]*Url="([^"]+)">([\s\S]*?)<\/StreamIndex>/g),
      ];
      expect(streams.map((stream) => stream[1])).toEqual(["video", "audio"]);
      let fragments = 0;
      for (const [, , template, body] of streams) {
        const bitrates = [...(body ?? "").matchAll(/<QualityLevel [^>]*Bitrate="(\d+)"/g)].map((m) => m[1]);
        // Chunks without `t` start where the previous one ended (MS-SSTR 2.2.2.5).
        let start = 0;
        for (const chunk of (body ?? "").matchAll(/<c n="\d+" d="(\d+)" \/>/g)) {
          for (const bitrate of bitrates) {
            const path = (template ?? "")
              .replace("{bitrate}", bitrate ?? "")
              .replace("{start time}", String(start));
            const fragment = await fetch(new URL(path, url), {
              headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE },
            });
            expect(fragment.status).toBe(200);
            // A Smooth fragment is an ISO BMFF moof box.
            expect(
              Buffer.from(await fragment.arrayBuffer())
                .subarray(4, 8)
                .toString("latin1"),
            ).toBe("moof");
            fragments++;
          }
          start += Number(chunk[1]);
        }
      }
      // 2 video qualities × 2 chunks + 1 audio quality × 2 chunks.
      expect(fragments).toBe(6);
    });

    test.each([
      ["bytes=0-9", 206, 10],
      ["bytes=-5", 206, 5],
      ["bytes=10-", 206, -10],
      ["bytes=999999999-", 416, 0],
    ])("egress Range %s → %i", async (range, status, length) => {
      const { url } = await egressText("hls");
      const whole = await (
        await fetch(url, { headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE } })
      ).arrayBuffer();
      const response = await fetch(url, {
        headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE, Range: range },
      });
      expect(response.status).toBe(status);
      const body = Buffer.from(await response.arrayBuffer());
      if (status === 206) {
        const expected =
          length >= 0 && range.startsWith("bytes=0")
            ? whole.slice(0, length)
            : range.startsWith("bytes=-")
              ? whole.slice(-length)
              : whole.slice(10);
        expect(body.equals(Buffer.from(expected))).toBe(true);
        expect(response.headers.get("content-range")).toMatch(
          new RegExp(`^bytes \\d+-\\d+/${whole.byteLength}$`),
        );
      } else {
        expect(response.headers.get("content-range")).toBe(`bytes */${whole.byteLength}`);
      }
    });

    test("DeleteAsset removes the asset and its egress", async () => {
      const url = asset.EgressEndpoints?.[0]?.Url as string;
      const deleted = await stack.mediapackage.send(new DeleteAssetCommand({ Id: "asset-1" }));
      expect(deleted.$metadata.httpStatusCode).toBe(202);
      await expect(
        stack.mediapackage.send(new DescribeAssetCommand({ Id: "asset-1" })),
      ).rejects.toBeInstanceOf(NotFoundException);
      expect(
        (await fetch(url, { headers: { "X-MediaPackage-CDNIdentifier": CDN_SECRET_VALUE } })).status,
      ).toBe(404);
    });
  },
);
