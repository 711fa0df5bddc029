// The preview page: one row per harvested copy, each with its player (hls.js for HLS/CMAF, dash.js for DASH and
// Smooth Streaming), rendition / audio / subtitle choices, and a status line. `window.vodHarvestPreview` lets a
// headless browser drive the rows and read what each player reported (vod-harvest preview --check).
import { MediaPlayer, type MediaPlayerClass } from "dashjs";
import "dashjs/mss";
import Hls from "hls.js";
import type { PreviewCopy } from "../catalog.js";
import type { RowState } from "../row-state.js";

interface Catalog {
  readonly location: string;
  readonly copies: readonly PreviewCopy[];
  readonly problems: readonly { readonly id: string; readonly problem: string }[];
}

interface Row {
  readonly copy: PreviewCopy;
  readonly video: HTMLVideoElement;
  readonly state: RowState;
  readonly status: HTMLElement;
  readonly selects: { video: HTMLSelectElement; audio: HTMLSelectElement; text: HTMLSelectElement };
  readonly thumbs: HTMLElement;
  player?: { hls: Hls } | { dash: MediaPlayerClass };
}

const rows = new Map<string, Row>();

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const fileUrl = (key: string) => `/copies/${key.split("/").map(encodeURIComponent).join("/")}`;

function show(row: Row): void {
  const { state } = row;
  const where = `${state.currentTime.toFixed(2)} s, ${state.decodedFrames} frames`;
  row.status.className = `status ${state.status === "error" ? "error" : state.currentTime > 2 ? "played" : ""}`;
  row.status.textContent = state.status === "error" ? `error: ${state.error}` : `${state.status} · ${where}`;
}

function fail(row: Row, message: string): void {
  if (row.state.status === "error") return;
  row.state.status = "error";
  row.state.error = message;
  show(row);
}

function fillSelect(select: HTMLSelectElement, labels: readonly string[], selected: number): void {
  select.replaceChildren(
    ...labels.map((label, index) => new Option(label, String(index), false, index === selected)),
  );
  select.disabled = labels.length < 2;
}

/**
 * Trick-play images of an HLS copy (`EXT-X-IMAGE-STREAM-INF`, Roku/Apple image playlists, tiles or not): the first
 * five images of the first image playlist. hls.js does not read image playlists, so the page does.
 */
async function showHlsThumbnails(row: Row): Promise<void> {
  const entryUrl = new URL(fileUrl(row.copy.entry), window.location.href);
  const multivariant = await (await fetch(entryUrl)).text();
  const uri = /^#EXT-X-IMAGE-STREAM-INF:.*?URI="([^"]+)"/m.exec(multivariant)?.[1];
  if (uri === undefined) return;
  const playlistUrl = new URL(uri, entryUrl);
  const playlist = await (await fetch(playlistUrl)).text();
  const images = playlist.split(/\r?\n/).filter((line) => line.trim() !== "" && !line.startsWith("#"));
  for (const image of images.slice(0, 5)) {
    const node = element("img");
    node.onload = () => row.state.thumbnails++;
    node.src = new URL(image.trim(), playlistUrl).href;
    row.thumbs.append(node);
  }
}

function startHls(row: Row): void {
  const hls = new Hls({ capLevelToPlayerSize: false });
  row.player = { hls };
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    const url = data.url ?? data.frag?.url ?? data.context?.url;
    fail(row, `hls.js ${data.type}: ${data.details}${url ? ` (${url})` : ""}`);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    row.state.renditions = hls.levels.map(
      (level) => `${level.height}p ${Math.round(level.bitrate / 1000)} kbit/s`,
    );
    fillSelect(row.selects.video, row.state.renditions, hls.currentLevel);
    void showHlsThumbnails(row).catch(() => {});
  });
  // Audio and subtitle tracks are known once the playlists that list them are read, after MANIFEST_PARSED.
  hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => {
    row.state.audioTracks = hls.audioTracks.map((track) => track.name || track.lang || `audio ${track.id}`);
    fillSelect(row.selects.audio, row.state.audioTracks, hls.audioTrack);
  });
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => {
    row.state.textTracks = hls.subtitleTracks.map((track) => track.name || track.lang || `text ${track.id}`);
    fillSelect(row.selects.text, ["off", ...row.state.textTracks], hls.subtitleTrack + 1);
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
    row.state.rendition = data.level;
    row.state.switches++;
    row.selects.video.value = String(data.level);
  });
  row.selects.video.onchange = () => {
    hls.currentLevel = Number(row.selects.video.value);
  };
  row.selects.audio.onchange = () => {
    hls.audioTrack = Number(row.selects.audio.value);
  };
  row.selects.text.onchange = () => {
    hls.subtitleTrack = Number(row.selects.text.value) - 1;
  };
  hls.loadSource(fileUrl(row.copy.entry));
  hls.attachMedia(row.video);
}

function startDash(row: Row): void {
  const dash = MediaPlayer().create();
  row.player = { dash };
  dash.updateSettings({ debug: { logLevel: 1 } });
  dash.on("error", (event: unknown) => {
    const error = (event as { error?: { code?: number; message?: string } }).error;
    fail(row, `dash.js ${error?.code ?? ""}: ${error?.message ?? JSON.stringify(event)}`);
  });
  dash.on("streamInitialized", () => {
    const videos = dash.getRepresentationsByType("video");
    row.state.renditions = videos.map(
      (rep) => `${rep.height}p ${Math.round((rep.bandwidth ?? 0) / 1000)} kbit/s`,
    );
    const current = dash.getCurrentRepresentationForType("video");
    fillSelect(
      row.selects.video,
      row.state.renditions,
      Math.max(
        0,
        videos.findIndex((rep) => rep.id === current?.id),
      ),
    );
    const audio = dash.getTracksFor("audio");
    row.state.audioTracks = audio.map((track) => track.lang ?? `audio ${track.index}`);
    fillSelect(row.selects.audio, row.state.audioTracks, 0);
    const text = dash.getTracksFor("text");
    row.state.textTracks = text.map((track) => track.lang ?? `text ${track.index}`);
    fillSelect(row.selects.text, ["off", ...row.state.textTracks], 0);
    const images = dash.getTracksFor("image");
    if (images.length > 0) showThumbnails(row, dash);
  });
  dash.on("qualityChangeRendered", (event: unknown) => {
    const change = event as { mediaType?: string; newRepresentation?: { id?: string } };
    if (change.mediaType !== "video") return;
    const index = dash
      .getRepresentationsByType("video")
      .findIndex((rep) => rep.id === change.newRepresentation?.id);
    row.state.rendition = index;
    row.state.switches++;
    row.selects.video.value = String(index);
  });
  row.selects.video.onchange = () => {
    dash.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: false } } } });
    dash.setRepresentationForTypeByIndex("video", Number(row.selects.video.value), true);
  };
  row.selects.audio.onchange = () => {
    const track = dash.getTracksFor("audio")[Number(row.selects.audio.value)];
    if (track) dash.setCurrentTrack(track);
  };
  row.selects.text.onchange = () => {
    dash.setTextTrack(Number(row.selects.text.value) - 1);
  };
  dash.initialize(row.video, fileUrl(row.copy.entry), true);
}

/** Trick-play images of a DASH copy that has an image adaptation set: five, across the duration. */
function showThumbnails(row: Row, dash: MediaPlayerClass): void {
  const duration = dash.duration();
  for (let index = 0; index < 5; index++) {
    dash.provideThumbnail((duration * (index + 0.5)) / 5, (thumbnail) => {
      if (!thumbnail?.url) return;
      const image = element("img");
      image.onload = () => row.state.thumbnails++;
      image.src = thumbnail.url;
      row.thumbs.append(image);
    });
  }
}

function play(id: string): void {
  const row = rows.get(id);
  if (row === undefined) throw new Error(`no copy ${id}`);
  if (row.player !== undefined) return;
  row.state.status = "loading";
  show(row);
  row.video.muted = true;
  if (row.copy.format === "hls") {
    if (!Hls.isSupported()) {
      fail(row, "this browser has no Media Source Extensions for hls.js");
      return;
    }
    startHls(row);
  } else startDash(row);
  void row.video.play().catch(() => {});
}

/** Another rendition than the one playing (the next one), chosen by hand: ABR stays out of it. */
function switchRendition(id: string): number {
  const row = rows.get(id);
  if (row === undefined || row.state.renditions.length < 2) return -1;
  const next = (Math.max(0, row.state.rendition) + 1) % row.state.renditions.length;
  row.selects.video.value = String(next);
  row.selects.video.dispatchEvent(new Event("change"));
  return next;
}

function addRow(copy: PreviewCopy, container: HTMLElement): void {
  const section = element("section", undefined, "copy");
  section.dataset.id = copy.id;
  const header = element("header");
  header.append(
    element("h2", copy.id === "" ? "(this copy)" : copy.id),
    element(
      "span",
      copy.format === "hls" ? "HLS / CMAF" : copy.format === "dash" ? "DASH" : "Smooth Streaming",
      "format",
    ),
    element(
      "span",
      `${copy.objects} objects, ${formatBytes(copy.bytes)}, completed ${copy.completedAt}`,
      "meta",
    ),
  );
  const controls = element("div", undefined, "controls");
  const button = element("button", "Play");
  const selects = { video: element("select"), audio: element("select"), text: element("select") };
  for (const select of Object.values(selects)) select.disabled = true;
  fillSelect(selects.text, ["off"], 0);
  controls.append(button, "video", selects.video, "audio", selects.audio, "subtitles", selects.text);
  const video = element("video");
  video.controls = true;
  video.playsInline = true;
  const status = element("div", "idle", "status");
  const thumbs = element("div", undefined, "thumbs");
  section.append(header, element("div", `source: ${copy.source}`, "meta"), controls, video, thumbs, status);
  container.append(section);
  const row: Row = {
    copy,
    video,
    status,
    selects,
    thumbs,
    state: {
      status: "idle",
      currentTime: 0,
      decodedFrames: 0,
      renditions: [],
      audioTracks: [],
      textTracks: [],
      thumbnails: 0,
      rendition: -1,
      switches: 0,
    },
  };
  rows.set(copy.id, row);
  button.onclick = () => play(copy.id);
  const update = () => {
    if (row.state.status === "error") return;
    row.state.currentTime = video.currentTime;
    row.state.decodedFrames = video.getVideoPlaybackQuality().totalVideoFrames;
    if (row.state.status === "loading" && video.currentTime > 0) row.state.status = "playing";
    show(row);
  };
  video.addEventListener("timeupdate", update);
  video.addEventListener("error", () =>
    fail(row, `media error ${video.error?.code}: ${video.error?.message ?? ""}`),
  );
}

async function load(): Promise<Catalog> {
  const response = await fetch("/api/catalog");
  if (!response.ok) throw new Error(`/api/catalog: HTTP ${response.status} ${await response.text()}`);
  const catalog = (await response.json()) as Catalog;
  (document.getElementById("where") as HTMLElement).textContent = catalog.location;
  const problems = document.getElementById("problems") as HTMLElement;
  for (const { id, problem } of catalog.problems)
    problems.append(element("div", `${id || "(root)"}: ${problem}`, "problem"));
  const copies = document.getElementById("copies") as HTMLElement;
  if (catalog.copies.length === 0) {
    copies.append(
      element(
        "div",
        `No completion record under ${catalog.location}: nothing was harvested here, or no copy is complete yet (an INCOMPLETE copy has no record; run the copy again to finish it).`,
        "empty",
      ),
    );
  }
  for (const copy of catalog.copies) addRow(copy, copies);
  return catalog;
}

const ready = load();
Object.assign(window, {
  vodHarvestPreview: {
    ready: ready.then((catalog) => catalog.copies.map((copy) => copy.id)),
    play,
    switchRendition,
    state: (id: string) => rows.get(id)?.state,
  },
});
