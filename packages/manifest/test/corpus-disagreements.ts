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

const ALTERNATE_BASE_URLS =
  "several BaseURLs at one level are alternate locations (oracle limit 5): we copy from the first only";
const NO_SEGMENT_INFO =
  "Representation without BaseURL or segment information: the oracle lists the MPD's own URL (limit 3/4); we list nothing";
const PERIOD_TIMELINE_ONE_SEGMENT =
  'Period-level SegmentTimeline <S d="1000"/> at timescale 1000 is one segment (ISO/IEC 23009-1 5.3.9.6); the oracle lists 1000';
const END_NUMBER = "@endNumber caps a SegmentTimeline (ISO/IEC 23009-1 Table 16); the oracle ignores it";
const R_MINUS_ONE_AT_END =
  'final S@r="-1" repeats to the Period end (oracle limit 1); ours equals shaka\'s expected-by-shaka.json';
const REPRESENTATION_INDEX =
  "RepresentationIndex@sourceURL names a real file (the index); the oracle omits it";
const DIRECTORY_BASE_URL =
  "a BaseURL-only Representation whose BaseURL ends in / names a directory: no object can be stored for it";

const androidxMpd = "androidx-media/libraries/test_data/src/test/assets/media/mpd/sample_mpd_";
const videojsMpd = "videojs-mpd-parser/test/manifests/";
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
  ...Object.fromEntries(
    ["vod_location_fallback"].map((name) => [
      `${androidxMpd}${name}`,
      { kind: "urls", reason: ALTERNATE_BASE_URLS },
    ]),
  ),
  ...Object.fromEntries(
    [
      "multiple_baseUrls",
      "relative_baseUrls_dvb_profile_declared",
      "relative_baseUrls_dvb_profile_not_declared",
    ].map((name) => [`${androidxMpd}${name}`, { kind: "keys", reason: DIRECTORY_BASE_URL }]),
  ),
  "dashjs/samples/advanced/mpds/basic-cmcd-config.mpd": { kind: "urls", reason: ALTERNATE_BASE_URLS },
  "streamlink/tests/resources/dash/test_no_segment_list_or_template.mpd": {
    kind: "urls",
    reason: ALTERNATE_BASE_URLS,
  },
  ...Object.fromEntries(
    [
      "cea_608_accessibility",
      "cea_708_accessibility",
      "inband_event_stream",
      "stream_keys",
      "updated_no_locations",
      "live_location_redirect_absolute",
      "live_location_redirect_relative",
      "live_with_complete_service_description",
      "live_with_offset_too_long",
      "live_with_offset_too_short",
      "live_with_suggested_presentation_delay_2s_min_buffer_time_500ms",
      "live_without_live_configuration",
      "multiple_locations_absolute",
      "multiple_locations_relative",
      "switching_and_trick_play_property",
      "switching_property",
      "switching_property_incompatible",
      "trick_play_property",
      "trick_play_property_incompatible",
    ].map((name) => [`${androidxMpd}${name}`, { kind: "urls", reason: NO_SEGMENT_INFO }]),
  ),
  ...Object.fromEntries(
    ["labels", "text", "trick_play"].map((name) => [
      `${androidxMpd}${name}`,
      { kind: "urls", reason: PERIOD_TIMELINE_ONE_SEGMENT },
    ]),
  ),
  "rx-player/tests/contents/DASH_static_SegmentTimeline/media/segment_timeline_end_number.mpd": {
    kind: "urls",
    reason: END_NUMBER,
  },
  "rx-player/tests/contents/DASH_static_number_based_SegmentTimeline/media/end_number.mpd": {
    kind: "urls",
    reason: END_NUMBER,
  },
  "shaka-player-inline/dash/segment-timeline-r-minus-1/negative-repetitions-at-end.mpd": {
    kind: "urls",
    reason: R_MINUS_ONE_AT_END,
  },
  "shaka-player-inline/dash/segment-timeline-r-minus-1/relative-to-presentation.mpd": {
    kind: "urls",
    reason: R_MINUS_ONE_AT_END,
  },
  "androidx-media/libraries/test_data/src/test/assets/media/dash/empty-segment-timeline/sample.mpd": {
    kind: "urls",
    reason: "empty SegmentTimeline: we still list the Representation's init; the oracle lists nothing",
  },
  "streamlink/tests/resources/dash/test_segments_dynamic_number.mpd": {
    kind: "urls",
    reason:
      "live Period starting 90 s after publishTime: no segments yet, but we list the 8 inits; the oracle none",
  },
  ...Object.fromEntries(
    [
      "608-captions.mpd",
      "708-captions.mpd",
      "location.mpd",
      "locations.mpd",
      "segmentBase.mpd",
      "multiperiod-segment-list.mpd",
    ].map((name) => [`${videojsMpd}${name}`, { kind: "urls", reason: REPRESENTATION_INDEX }]),
  ),
  [`${videojsMpd}segmentList.mpd`]: {
    kind: "urls",
    reason: `we list all 10 SegmentURLs the MPD names; the oracle trims them to the 6 s Period. ${REPRESENTATION_INDEX}`,
  },
  [`${videojsHls}brightcove.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}emptyTargetDuration.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}diff-init-key.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
  [`${videojsHls}encrypted.m3u8`]: { kind: "keys", reason: QUERY_ONLY_KEYS },
};
