// What the page says about one copy's player (window.vodHarvestPreview.state(id)), read by `preview --check`.
export interface RowState {
  status: "idle" | "loading" | "playing" | "error";
  error?: string;
  currentTime: number;
  decodedFrames: number;
  renditions: string[];
  /** Audio and subtitle tracks the player found (labels), as offered on the page. */
  audioTracks: string[];
  textTracks: string[];
  /** Trick-play images shown (a DASH copy with an image adaptation set). */
  thumbnails: number;
  /** Index of the rendition playing (as the player last confirmed), -1 before the first. */
  rendition: number;
  /** Rendition switches the player confirmed. */
  switches: number;
}
