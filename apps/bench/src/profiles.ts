/** An HLS asset of many equal segments, copied into a directory beside curl (issue 11's shapes). */
export interface WireShape {
  readonly renditions: number;
  readonly segmentsPerRendition: number;
  readonly segmentBytes: number;
}

/** How big each part of the benchmark is: `full` is what issue 6 asks for, `tiny` is the CI smoke run. */
export interface BenchProfile {
  readonly name: "full" | "tiny";
  /** The many-small-objects assets (HLS and DASH of the same shape). */
  readonly renditions: number;
  readonly segmentsPerRendition: number;
  readonly segmentBytes: number;
  /** The single large byte-range object. */
  readonly bigBytes: number;
  /** Run with the `hls` case, into a directory only: the per-object cost against curl (issue 11). */
  readonly wire: readonly WireShape[];
  /** Segment counts copied end to end (one rendition) to show how cost grows. */
  readonly scalingCopies: readonly number[];
  /** Segment count planned only (no copy). */
  readonly planningSegments: number;
  /** Repeats of every measurement; the median is reported. */
  readonly runs: number;
  /** One engine and one baseline copy to a directory before the measured ones, not counted. */
  readonly warmUp: boolean;
  readonly concurrency: number;
}

const KB = 1000;
const KiB = 1024;
const MiB = 1024 * 1024;

export const PROFILES: Readonly<Record<BenchProfile["name"], BenchProfile>> = {
  full: {
    name: "full",
    renditions: 6,
    segmentsPerRendition: 1_000,
    segmentBytes: 100 * KB,
    bigBytes: 2048 * MiB,
    wire: [
      { renditions: 4, segmentsPerRendition: 1_000, segmentBytes: 64 * KiB },
      { renditions: 4, segmentsPerRendition: 4_000, segmentBytes: 16 * KiB },
    ],
    scalingCopies: [1_000, 10_000],
    planningSegments: 100_000,
    runs: 3,
    warmUp: true,
    concurrency: 32,
  },
  tiny: {
    name: "tiny",
    renditions: 2,
    segmentsPerRendition: 20,
    segmentBytes: 10 * KB,
    bigBytes: 8 * MiB,
    wire: [{ renditions: 2, segmentsPerRendition: 30, segmentBytes: 16 * KiB }],
    scalingCopies: [20, 200],
    planningSegments: 2_000,
    runs: 1,
    warmUp: false,
    concurrency: 8,
  },
};
