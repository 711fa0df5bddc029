/**
 * The one table of corpus files where we and the oracle (../shared/corpus/README.md) part ways, each with its reason:
 * - `urls`: our URL set differs from the oracle's (the test fails if it stops differing, so the table stays true);
 * - `keys`: parsed, but DESIGN.md's key rule refuses the asset (e.g. two URLs that differ only by query);
 * - `refused`: the parser refuses it with a typed error while the oracle reads it.
 */
export interface Disagreement {
  readonly kind: "urls" | "keys" | "refused";
  readonly reason: string;
}

const LLHLS_OPEN_PARTS =
  "LL-HLS: we list the EXT-X-PART URIs of the unfinished last segment; m3u8-parser hides them in preloadSegment";
const MAP_WITHOUT_SEGMENT =
  "EXT-X-MAP with no segment after it: we list the init; m3u8-parser only reports maps attached to segments";
const QUERY_ONLY_KEYS =
  "two URLs differing only by query string map to one key: DESIGN.md's key rule refuses, naming both";

const androidxM3u8 = "androidx-media/libraries/test_data/src/test/assets/media/m3u8/";
const videojsHls = "videojs-m3u8-parser/test/fixtures/integration/";

export const CORPUS_DISAGREEMENTS: Readonly<Record<string, Disagreement>> = {
  ...Object.fromEntries(
    [
      "live_low_latency_media_can_block_reload_low_latency",
      "live_low_latency_media_can_block_reload_low_latency_full_segment_audio_next",
      "live_low_latency_media_can_block_reload_low_latency_full_segment_audio_next2",
      "live_low_latency_media_can_block_reload_low_latency_full_segment_next",
      "live_low_latency_media_can_block_reload_low_latency_full_segment_next2",
      "live_low_latency_media_can_block_reload_low_latency_full_segment_preload_next",
      "live_low_latency_media_can_block_reload_low_latency_next",
      "live_low_latency_parts_only",
      "live_low_latency_segments_and_parts",
    ].map((name) => [`${androidxM3u8}${name}`, { kind: "urls", reason: LLHLS_OPEN_PARTS }]),
  ),
  ...Object.fromEntries(
    ["media_playlist_empty", "media_playlist_live_empty", "media_playlist_vod_empty"].map((name) => [
      `${androidxM3u8}${name}`,
      { kind: "urls", reason: MAP_WITHOUT_SEGMENT },
    ]),
  ),
  [`${videojsHls}llhls.m3u8`]: {
    kind: "urls",
    reason: `${LLHLS_OPEN_PARTS}; filePart272.a.mp4 is GAP=YES, so not fetched`,
  },
  [`${videojsHls}llhlsDelta.m3u8`]: {
    kind: "urls",
    reason: `${LLHLS_OPEN_PARTS}; filePart272.a.mp4 is GAP=YES, so not fetched`,
  },
  "shaka-player-inline/hls/parse-image-streams/master.m3u8": {
    kind: "urls",
    reason: "EXT-X-MEDIA without NAME: we list its URI (oracle known limit 9)",
  },
  "shaka-player-inline/hls/session-key-widevine/master.m3u8": {
    kind: "urls",
    reason:
      "EXT-X-SESSION-KEY with a data: URI is not a fetchable resource (the oracle's line scan lists it)",
  },
  "shaka-player/test/test/assets/hls-gap/playlist.m3u8": {
    kind: "urls",
    reason: "EXT-X-GAP segments are not fetched: RFC 8216bis says clients must not load them",
  },
  [`${videojsHls}brightcove.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}emptyTargetDuration.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}diff-init-key.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}encrypted.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
};
