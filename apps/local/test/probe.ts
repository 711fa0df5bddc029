/** Test support: decode a URL with ffmpeg and count its video frames with ffprobe (real decoders). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ffmpegAvailable } from "../src/index.js";

const run = promisify(execFile);

/** Video frame count of every video stream, in stream order. */
export async function videoFrameCounts(url: string, headers: string[] = []): Promise<number[]> {
  const headerArgs = headers.length > 0 ? ["-headers", `${headers.join("\r\n")}\r\n`] : [];
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    ...headerArgs,
    "-count_frames",
    "-select_streams",
    "v",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "json",
    url,
  ]);
  const parsed = JSON.parse(stdout) as { streams: Array<{ nb_read_frames: string }> };
  return parsed.streams.map((stream) => Number(stream.nb_read_frames));
}

/** Decodes every video and audio stream; resolves with ffmpeg's stderr (empty when the decode was clean). */
export async function decodeAll(url: string, headers: string[] = []): Promise<string> {
  const headerArgs = headers.length > 0 ? ["-headers", `${headers.join("\r\n")}\r\n`] : [];
  const { stderr } = await run("ffmpeg", [
    "-nostdin",
    "-v",
    "error",
    ...headerArgs,
    "-i",
    url,
    "-map",
    "0:v",
    "-map",
    "0:a",
    "-f",
    "null",
    "-",
  ]);
  return stderr;
}

/** True (and a loud SKIPPED line) without ffmpeg; under CI its absence is a broken setup and throws. */
export function skipWithoutFfmpeg(what: string): boolean {
  if (ffmpegAvailable()) return false;
  if (process.env.CI === "true")
    throw new Error(`ffmpeg missing although CI=true (${what}): .ci/run installs it`);
  console.warn(`\n*** SKIPPED: ffmpeg not installed; ${what} did not run ***\n`);
  return true;
}
