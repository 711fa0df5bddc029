// Benchmark (not a test): parse and enumerate a 100,000-segment MPD timeline and HLS media playlist.
// `pnpm bench:manifest` from the repository root. Target: each under 1 s on a 2-core machine.
import { enumerateAsset } from "../src/enumerate.js";

const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 100_000);
const RUNS = 5;

function hlsMediaPlaylist(count: number): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD"];
  lines.push('#EXT-X-MAP:URI="init.mp4"');
  for (let i = 0; i < count; i++) lines.push(`#EXTINF:${i % 2 ? "4.004" : "3.996"},`, `segment_${i}.m4s`);
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** Varying durations defeat `r` compaction, so the parser really meets `count` S elements. */
function dashTimeline(count: number): string {
  const s: string[] = [];
  for (let i = 0; i < count; i++) s.push(`<S ${i === 0 ? 't="0" ' : ""}d="${i % 2 ? 180180 : 179820}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT111H" minBufferTime="PT2S"
     profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="1">
    <AdaptationSet mimeType="video/mp4" segmentAlignment="true">
      <SegmentTemplate timescale="90000" initialization="$RepresentationID$/init.mp4"
                       media="$RepresentationID$/$Time$.m4s">
        <SegmentTimeline>
${s.join("\n")}
        </SegmentTimeline>
      </SegmentTemplate>
      <Representation id="video_1080" bandwidth="6000000" codecs="avc1.640028" width="1920" height="1080"/>
    </AdaptationSet>
  </Period>
</MPD>
`;
}

async function measure(name: string, path: string, text: string) {
  const url = `https://bench.example/vod/${path}`;
  const times: number[] = [];
  let resources = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const plan = await enumerateAsset(url, async () => text);
    times.push(performance.now() - started);
    resources = plan.resources.length;
  }
  times.sort((a, b) => a - b);
  const medianMs = Math.round(times[Math.floor(RUNS / 2)] ?? 0);
  const result = {
    name,
    segments: SEGMENTS,
    resources,
    bytes: text.length,
    medianMs,
    minMs: Math.round(times[0] ?? 0),
  };
  console.log(
    `${name.padEnd(28)} ${String(resources).padStart(8)} resources  median ${medianMs} ms  (min ${result.minMs} ms, ${RUNS} runs)`,
  );
  return result;
}

const results = [
  await measure("hls media playlist", "video/index.m3u8", hlsMediaPlaylist(SEGMENTS)),
  await measure("dash SegmentTimeline", "manifest.mpd", dashTimeline(SEGMENTS)),
];
console.log(JSON.stringify({ benchmark: "manifest-enumerate", node: process.version, results }));
