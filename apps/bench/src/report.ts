import type { EnginePhases, JobReport } from "./child.js";

export interface Row {
  readonly case: string;
  readonly sink: string;
  readonly objects: number;
  readonly bytes: number;
  readonly engine: Summary;
  readonly baseline: Summary | undefined;
  /** Median over runs of baseline seconds / engine seconds, each pair measured back to back. */
  readonly ratio: number | undefined;
  /** Every pair's ratio, in run order: how far one pair can be from the median on this machine. */
  readonly pairRatios: readonly number[];
  /** Directory cases with the anchor: the built command and curl, whole processes against nginx. */
  readonly cli?: Summary;
  readonly curl?: Summary;
  /** Median over runs of curl seconds / built command seconds (1 = as fast as curl). */
  readonly curlRatio?: number;
  readonly curlRatios?: readonly number[];
}

/** Medians over the runs of one job. */
export interface Summary {
  readonly runs: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** The part of cpuSeconds spent in the kernel. */
  readonly systemSeconds: number;
  readonly peakRss: number;
  readonly objectsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** Engine jobs only: the median of each phase. */
  readonly phases: EnginePhases | undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarize(reports: readonly JobReport[]): Summary {
  const seconds = median(reports.map((report) => report.seconds));
  const objects = reports[0]?.objects ?? 0;
  const bytes = reports[0]?.bytes ?? 0;
  return {
    runs: reports.length,
    seconds,
    cpuSeconds: median(reports.map((report) => report.cpuSeconds)),
    systemSeconds: median(reports.map((report) => report.systemSeconds)),
    peakRss: median(reports.map((report) => report.peakRss)),
    objectsPerSecond: objects / seconds,
    megabytesPerSecond: bytes / 1e6 / seconds,
    phases: medianPhases(reports),
  };
}

function medianPhases(reports: readonly JobReport[]): EnginePhases | undefined {
  const phases = reports.flatMap((report) => (report.phases ? [report.phases] : []));
  if (phases.length === 0) return undefined;
  return {
    plan: median(phases.map((phase) => phase.plan)),
    copy: median(phases.map((phase) => phase.copy)),
    finish: median(phases.map((phase) => phase.finish)),
  };
}

const MiB = 1024 * 1024;
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

function cells(summary: Summary | undefined): string[] {
  if (summary === undefined) return ["–", "–", "–", "–", "–"];
  return [
    fixed(summary.seconds, 2),
    fixed(summary.objectsPerSecond, 0),
    fixed(summary.megabytesPerSecond, 1),
    fixed(summary.peakRss / MiB, 0),
    fixed(summary.cpuSeconds, 2),
  ];
}

function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** The Markdown table: engine, then the raw baseline on the same data, then their ratio. */
export function markdownTable(rows: readonly Row[]): string {
  const header = [
    "case",
    "sink",
    "objects",
    "MB",
    "engine s",
    "objects/s",
    "MB/s",
    "peak RSS MiB",
    "CPU s",
    "baseline s",
    "objects/s",
    "MB/s",
    "peak RSS MiB",
    "CPU s",
    "ratio",
    "pairs min–max",
  ];
  const lines = rows.map((row) => [
    row.case,
    row.sink,
    String(row.objects),
    fixed(row.bytes / 1e6, 0),
    ...cells(row.engine),
    ...cells(row.baseline),
    row.ratio === undefined ? "–" : fixed(row.ratio, 2),
    row.pairRatios.length === 0
      ? "–"
      : `${fixed(Math.min(...row.pairRatios), 2)}–${fixed(Math.max(...row.pairRatios), 2)}`,
  ]);
  return markdown(header, lines);
}

/**
 * Where the engine's wall time went, per copy case: the fixed phases before the first put and after the last
 * one, which the baseline (handed its URL list) does not have, weigh most on small assets.
 */
export function phasesTable(rows: readonly Row[]): string {
  const header = ["case", "sink", "plan s", "copy s", "verify + record s", "fixed share"];
  const lines = rows.flatMap((row) => {
    const phases = row.engine.phases;
    if (phases === undefined) return [];
    const share = (phases.plan + phases.finish) / row.engine.seconds;
    const { plan, copy, finish } = phases;
    return [
      [row.case, row.sink, fixed(plan, 2), fixed(copy, 2), fixed(finish, 2), `${fixed(share * 100, 0)} %`],
    ];
  });
  return lines.length > 0 ? markdown(header, lines) : "";
}

/** CPU seconds per 1,000 objects copied. */
const perThousand = (summary: Summary | undefined, objects: number) =>
  summary === undefined ? "–" : fixed((summary.cpuSeconds / objects) * 1000, 3);

/** The rows measured against curl: the ratio users feel, and what each copier burns per object. */
export function anchorTable(rows: readonly Row[]): string {
  const anchored = rows.filter((row) => row.curl !== undefined && row.cli !== undefined);
  if (anchored.length === 0) return "";
  const header = [
    "case",
    "objects",
    "curl s",
    "vod-harvest s",
    "ratio to curl",
    "pairs",
    "CPU-s / 1k objects: vod-harvest",
    "Node baseline",
    "curl",
  ];
  const lines = anchored.map((row) => [
    row.case,
    String(row.objects),
    fixed(row.curl?.seconds ?? Number.NaN, 2),
    fixed(row.cli?.seconds ?? Number.NaN, 2),
    `**${fixed(row.curlRatio ?? Number.NaN, 2)}**`,
    (row.curlRatios ?? []).map((ratio) => fixed(ratio, 2)).join(", "),
    perThousand(row.cli, row.objects),
    perThousand(row.baseline, row.objects),
    perThousand(row.curl, row.objects),
  ]);
  return markdown(header, lines);
}
