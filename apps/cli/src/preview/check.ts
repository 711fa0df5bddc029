// `vod-harvest preview --check`: plays every copy of the preview page in headless Chromium (the system's browser,
// driven by playwright-core) and reports what each player did: PLAYED once the video's time passes 2 s with
// frames decoded, FAILED with the player's error, or FAILED when playback makes no progress at all for a while.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Page } from "playwright-core";
import type { RowState } from "./row-state.js";

/** Where the video must get to, in seconds of media time. */
const PLAYED_AFTER_SECONDS = 2;
/** A hang guard, not a speed target: how long a copy may show no progress at all before it is reported FAILED. */
const STALL_SECONDS = 45;
const POLL_MS = 200;

export interface PlaybackResult {
  readonly id: string;
  readonly played: boolean;
  readonly currentTime: number;
  readonly decodedFrames: number;
  readonly renditions: readonly string[];
  readonly audioTracks: readonly string[];
  readonly textTracks: readonly string[];
  readonly thumbnails: number;
  /** With switchRendition: the rendition switched to, once the player confirmed it. */
  readonly switchedTo?: string;
  readonly error?: string;
}

export interface CheckOptions {
  readonly executablePath: string;
  /** Switch to another rendition mid-play and require the player to confirm it. */
  readonly switchRendition?: boolean;
  /** Where to write a screenshot of the page once every copy was tried. */
  readonly screenshot?: string;
  readonly onResult?: (result: PlaybackResult) => void;
  readonly signal?: AbortSignal;
}

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** VOD_HARVEST_CHROMIUM, else the first Chromium on PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VOD_HARVEST_CHROMIUM) return env.VOD_HARVEST_CHROMIUM;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    for (const name of CANDIDATES) {
      const path = join(dir, name);
      if (dir !== "" && existsSync(path)) return path;
    }
  }
  return undefined;
}

type PreviewApi = {
  ready: Promise<string[]>;
  play(id: string): void;
  switchRendition(id: string): number;
  state(id: string): RowState | undefined;
};
declare const window: { vodHarvestPreview: PreviewApi };

async function stateOf(page: Page, id: string): Promise<RowState> {
  const state = await page.evaluate((rowId) => window.vodHarvestPreview.state(rowId), id);
  if (state === undefined) throw new Error(`the page has no copy ${id}`);
  return state;
}

async function playOne(page: Page, id: string, options: CheckOptions): Promise<PlaybackResult> {
  await page.evaluate((rowId) => window.vodHarvestPreview.play(rowId), id);
  let target: number | undefined;
  let firstFrames: number | undefined;
  let lastProgress = { time: -1, frames: -1, at: Date.now() };
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const state = await stateOf(page, id);
    const base = {
      id,
      currentTime: state.currentTime,
      decodedFrames: state.decodedFrames,
      renditions: state.renditions,
      audioTracks: state.audioTracks,
      textTracks: state.textTracks,
      thumbnails: state.thumbnails,
    };
    if (state.status === "error") return { ...base, played: false, error: state.error ?? "player error" };
    if (state.status === "playing") firstFrames ??= state.decodedFrames;
    if (options.switchRendition && target === undefined && state.currentTime > 0.3) {
      target = await page.evaluate((rowId) => window.vodHarvestPreview.switchRendition(rowId), id);
      if (target < 0) return { ...base, played: false, error: "only one rendition: nothing to switch to" };
    }
    const switched = target === undefined || state.rendition === target;
    const framesGrew = firstFrames !== undefined && state.decodedFrames > firstFrames;
    if (state.currentTime > PLAYED_AFTER_SECONDS && framesGrew && switched) {
      return {
        ...base,
        played: true,
        ...(target !== undefined ? { switchedTo: state.renditions[target] ?? String(target) } : {}),
      };
    }
    if (state.currentTime !== lastProgress.time || state.decodedFrames !== lastProgress.frames) {
      lastProgress = { time: state.currentTime, frames: state.decodedFrames, at: Date.now() };
    } else if (Date.now() - lastProgress.at > STALL_SECONDS * 1000) {
      const why = switched ? "no progress" : `the switch to rendition ${target} was never confirmed`;
      return {
        ...base,
        played: false,
        error: `${why} for ${STALL_SECONDS} s at ${state.currentTime.toFixed(2)} s`,
      };
    }
    await sleep(POLL_MS);
  }
}

/** Plays every copy on the page at `url`, one after another (two at once would share two cores with the server). */
export async function checkPlayback(url: string, options: CheckOptions): Promise<PlaybackResult[]> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: options.executablePath,
    headless: true,
    args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(url);
    const ids = await page.evaluate(() => window.vodHarvestPreview.ready);
    if (pageErrors.length > 0) throw new Error(`the preview page failed: ${pageErrors.join("; ")}`);
    const results: PlaybackResult[] = [];
    for (const id of ids) {
      const result = await playOne(page, id, options);
      results.push(result);
      options.onResult?.(result);
    }
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    return results;
  } finally {
    await browser.close();
  }
}

/** One line per copy: `<id> PLAYED 2.13s (52 frames, …)` or `<id> FAILED <error>`. */
export function resultLine(result: PlaybackResult): string {
  const id = result.id === "" ? "." : result.id;
  if (!result.played) return `${id} FAILED ${result.error}`;
  const switched = result.switchedTo ? `, switched to ${result.switchedTo}` : "";
  const tracks = [
    `${result.renditions.length} renditions`,
    `${result.audioTracks.length} audio`,
    `${result.textTracks.length} subtitle tracks`,
    ...(result.thumbnails > 0 ? [`${result.thumbnails} thumbnails`] : []),
  ].join(", ");
  return `${id} PLAYED ${result.currentTime.toFixed(2)}s (${result.decodedFrames} frames decoded${switched}; ${tracks})`;
}
