/** How big each part of the benchmark is: `full` is what issue 6 asks for, `tiny` is the CI smoke run. */
export interface BenchProfile {
  readonly name: "full" | "tiny";
  /** The many-small-objects assets (HLS and DASH of the same shape). */
  readonly renditions: number;
  readonly segmentsPerRendition: number;
  readonly segmentBytes: number;
  /** The single large byte-range object. */
  readonly bigBytes: number;
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
const MiB = 1024 * 1024;

export const PROFILES: Readonly<Record<BenchProfile["name"], BenchProfile>> = {
  full: {
    name: "full",
    renditions: 6,
    segmentsPerRendition: 1_000,
    segmentBytes: 100 * KB,
    bigBytes: 2048 * MiB,
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
    scalingCopies: [20, 200],
    planningSegments: 2_000,
    runs: 1,
    warmUp: false,
    concurrency: 8,
  },
};
