import type { ProgressEvent } from "@vod-harvest/harvest";
import cliProgress from "cli-progress";

/** What the copy has done so far, folded from the engine's progress events. */
export interface ProgressSnapshot {
  /** Undefined until the plan is known. */
  readonly objectsTotal: number | undefined;
  readonly manifests: number | undefined;
  readonly objectsDone: number;
  readonly bytesDone: number;
  readonly retries: number;
  readonly failed: number;
}

export class ProgressTracker {
  #objectsTotal: number | undefined;
  #manifests: number | undefined;
  #objectsDone = 0;
  #bytesDone = 0;
  #retries = 0;
  #failed = 0;

  apply(event: ProgressEvent): void {
    switch (event.type) {
      case "planned":
        this.#objectsTotal = event.objects;
        this.#manifests = event.manifests;
        break;
      case "object":
        this.#objectsDone++;
        this.#bytesDone += event.bytes;
        break;
      case "retry":
        this.#retries++;
        break;
      case "failed":
        this.#failed++;
        break;
      case "progress":
        // The engine's own totals win over our count of "object" events (they cannot go backwards).
        this.#objectsTotal = event.objectsTotal;
        this.#objectsDone = Math.max(this.#objectsDone, event.objectsDone);
        this.#bytesDone = Math.max(this.#bytesDone, event.bytesDone);
        break;
    }
  }

  snapshot(): ProgressSnapshot {
    return {
      objectsTotal: this.#objectsTotal,
      manifests: this.#manifests,
      objectsDone: this.#objectsDone,
      bytesDone: this.#bytesDone,
      retries: this.#retries,
      failed: this.#failed,
    };
  }
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** Seconds left, extrapolated from the objects done so far; undefined while there is nothing to go on. */
export function estimateSecondsLeft(snapshot: ProgressSnapshot, elapsedMs: number): number | undefined {
  const { objectsDone, objectsTotal } = snapshot;
  if (objectsTotal === undefined || objectsDone === 0 || elapsedMs <= 0) return undefined;
  return ((objectsTotal - objectsDone) * elapsedMs) / objectsDone / 1000;
}

function bytesPerSecond(snapshot: ProgressSnapshot, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : (snapshot.bytesDone * 1000) / elapsedMs;
}

/** One plain progress line, e.g. `copied 12/40 objects, 3.4 MiB, 1.2 MiB/s, ETA 20s`. */
export function formatProgressLine(snapshot: ProgressSnapshot, elapsedMs: number): string {
  const total = snapshot.objectsTotal === undefined ? "?" : String(snapshot.objectsTotal);
  const parts = [
    `copied ${snapshot.objectsDone}/${total} objects`,
    formatBytes(snapshot.bytesDone),
    `${formatBytes(Math.round(bytesPerSecond(snapshot, elapsedMs)))}/s`,
  ];
  const secondsLeft = estimateSecondsLeft(snapshot, elapsedMs);
  if (secondsLeft !== undefined) parts.push(`ETA ${formatDuration(secondsLeft)}`);
  if (snapshot.retries > 0) parts.push(`${snapshot.retries} retries`);
  if (snapshot.failed > 0) parts.push(`${snapshot.failed} failed`);
  return parts.join(", ");
}

export interface ProgressRenderer {
  handle(event: ProgressEvent): void;
  /** Prints the final state (plain mode) or stops the bar; safe to call twice. */
  finish(): void;
  readonly tracker: ProgressTracker;
}

export interface RendererOptions {
  readonly stream: NodeJS.WriteStream;
  /** True for a bar (stderr is a terminal), false for plain periodic lines. */
  readonly tty: boolean;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function createProgressRenderer(options: RendererOptions): ProgressRenderer {
  return options.tty ? createBarRenderer(options) : createLineRenderer(options);
}

/**
 * Plain lines for logs and pipes: one when the plan is known, then at most one per interval and only when
 * something changed (never one per object), and a last one at the end.
 */
export function createLineRenderer(options: RendererOptions): ProgressRenderer & { tick(): void } {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 2000;
  const tracker = new ProgressTracker();
  const startedAt = now();
  let lastLine = "";
  let finished = false;
  let anyEvent = false;
  const print = () => {
    // Nothing happened (e.g. SKIPPED before planning): a "copied 0/?" line would only confuse.
    if (!anyEvent) return;
    const line = formatProgressLine(tracker.snapshot(), now() - startedAt);
    if (line === lastLine) return;
    lastLine = line;
    options.stream.write(`${line}\n`);
  };
  const timer = setInterval(() => print(), intervalMs);
  timer.unref();
  return {
    tracker,
    handle(event) {
      anyEvent = true;
      tracker.apply(event);
      if (event.type === "planned") {
        options.stream.write(`planned ${event.objects} objects (${event.manifests} manifests)\n`);
      }
    },
    tick: print,
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      print();
    },
  };
}

/**
 * The bar's fields. The ETA is ours, from the objects done since the copy started, recomputed on every redraw:
 * cli-progress's own estimate is only updated by progress events, so it stuck at its last value between the
 * sparse events of a `--rate`-limited copy.
 */
export function barFields(snapshot: ProgressSnapshot, elapsedMs: number) {
  const secondsLeft = estimateSecondsLeft(snapshot, elapsedMs);
  return {
    bytes: formatBytes(snapshot.bytesDone),
    rate: formatBytes(Math.round(bytesPerSecond(snapshot, elapsedMs))),
    eta: secondsLeft === undefined ? "?" : formatDuration(secondsLeft),
  };
}

function createBarRenderer(options: RendererOptions): ProgressRenderer {
  const now = options.now ?? Date.now;
  const tracker = new ProgressTracker();
  const startedAt = now();
  const bar = new cliProgress.SingleBar({
    stream: options.stream,
    format: "{bar} {value}/{total} objects | {bytes} | {rate}/s | ETA {eta}",
    hideCursor: true,
    fps: 5,
    barsize: 30,
  });
  let started = false;
  let finished = false;
  const payload = () => barFields(tracker.snapshot(), now() - startedAt);
  // Time passes between events too: the ETA and rate are refreshed once a second.
  const timer = setInterval(() => {
    if (started && !finished) bar.update(tracker.snapshot().objectsDone, payload());
  }, 1000);
  timer.unref();
  return {
    tracker,
    handle(event) {
      tracker.apply(event);
      if (finished) return;
      const snapshot = tracker.snapshot();
      if (!started && snapshot.objectsTotal !== undefined) {
        bar.start(snapshot.objectsTotal, snapshot.objectsDone, payload());
        started = true;
      } else if (started) {
        if (snapshot.objectsTotal !== undefined) bar.setTotal(snapshot.objectsTotal);
        bar.update(snapshot.objectsDone, payload());
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (started) {
        bar.update(tracker.snapshot().objectsDone, payload());
        bar.stop();
      }
    },
  };
}
