// A small real HLS asset made with ffmpeg (two H.264 renditions with AAC audio, 1 s segments, an image playlist of
// trick-play images): what a browser can play, unlike the random bytes of hls-asset.ts.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const RENDITIONS = [
  { name: "v360", size: "640x360", bitrate: "600k", bandwidth: 800_000 },
  { name: "v180", size: "320x180", bitrate: "200k", bandwidth: 300_000 },
] as const;

/** Writes `<dir>/index.m3u8` and one playlist with its segments per rendition; `seconds` of test pattern. */
export async function makeRealHls(dir: string, seconds = 5): Promise<void> {
  for (const rendition of RENDITIONS) {
    const out = join(dir, rendition.name);
    await mkdir(out, { recursive: true });
    await run("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", `testsrc2=size=${rendition.size}:rate=25:duration=${seconds}`],
      ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
      ...["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-b:v", rendition.bitrate],
      ...["-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k"],
      ...["-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod"],
      ...["-hls_segment_filename", join(out, "seg%03d.ts"), join(out, "index.m3u8")],
    ]);
  }
  // Trick-play images, one a second, in an image playlist (EXT-X-IMAGE-STREAM-INF, as Roku and Apple define it).
  await mkdir(join(dir, "thumbs"), { recursive: true });
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", `testsrc2=size=160x90:rate=1:duration=${seconds}`],
    join(dir, "thumbs", "t%03d.jpg"),
  ]);
  const images = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:1", "#EXT-X-PLAYLIST-TYPE:VOD"];
  images.push("#EXT-X-IMAGES-ONLY");
  for (let index = 1; index <= seconds; index++) {
    images.push("#EXTINF:1.0,", `t${String(index).padStart(3, "0")}.jpg`);
  }
  images.push("#EXT-X-ENDLIST");
  await writeFile(join(dir, "thumbs", "index.m3u8"), `${images.join("\n")}\n`);
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7"];
  for (const rendition of RENDITIONS) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${rendition.bandwidth},RESOLUTION=${rendition.size},CODECS="avc1.64001f,mp4a.40.2"`,
      `${rendition.name}/index.m3u8`,
    );
  }
  lines.push(
    '#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=12000,RESOLUTION=160x90,CODECS="jpeg",URI="thumbs/index.m3u8"',
  );
  await writeFile(join(dir, "index.m3u8"), `${lines.join("\n")}\n`);
}
