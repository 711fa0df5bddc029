/** The memory check's result rows and their table (see memory-2gb.ts). */

export type SinkName = "directory" | "s3";

const MiB = 1024 * 1024;

export interface Row {
  readonly sink: SinkName;
  readonly status: string;
  readonly peakRssBytes: number;
  readonly sampledPeakRssBytes: number;
  readonly vmHwmBytes: number | null;
  readonly baselineRssBytes: number;
  readonly seconds: number;
  readonly sha256Matches: boolean;
  readonly recordMatches: boolean;
  readonly originGets: number;
  readonly pass: boolean;
  readonly skipped?: string;
}

export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export function printTable(size: number, targetBytes: number, rows: readonly Row[]): void {
  const header = [
    "sink",
    "status",
    "peak RSS",
    "sampled",
    "VmHWM",
    "at start",
    "time",
    "sha256",
    "GETs",
    "result",
  ];
  const body = rows.map((row) =>
    row.skipped
      ? [row.sink, "SKIPPED", "-", "-", "-", "-", "-", "-", "-", row.skipped]
      : [
          row.sink,
          row.status,
          mib(row.peakRssBytes),
          mib(row.sampledPeakRssBytes),
          row.vmHwmBytes === null ? "n/a" : mib(row.vmHwmBytes),
          mib(row.baselineRssBytes),
          `${row.seconds.toFixed(1)} s`,
          row.sha256Matches && row.recordMatches ? "ok" : "MISMATCH",
          String(row.originGets),
          row.pass ? "PASS" : "FAIL",
        ],
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  process.stdout.write(`\none ${mib(size)} resource, target: peak RSS under ${mib(targetBytes)}\n`);
  process.stdout.write(`${line(header)}\n${line(widths.map((width) => "-".repeat(width)))}\n`);
  for (const cells of body) process.stdout.write(`${line(cells)}\n`);
}

export function emptyRow(sink: SinkName): Row {
  return {
    sink,
    status: "SKIPPED",
    peakRssBytes: 0,
    sampledPeakRssBytes: 0,
    vmHwmBytes: null,
    baselineRssBytes: 0,
    seconds: 0,
    sha256Matches: false,
    recordMatches: false,
    originGets: 0,
    pass: false,
  };
}
