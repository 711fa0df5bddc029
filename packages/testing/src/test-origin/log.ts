import type { RequestRecord } from "./types.js";

/** Every request in arrival order plus a count per decoded path, so tests can assert what was fetched. */
export class RequestLog {
  records: RequestRecord[] = [];
  readonly counts = new Map<string, number>();

  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    this.counts.set(record.path, (this.counts.get(record.path) ?? 0) + 1);
    return record;
  }

  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Requests still in flight keep updating their own record, which is no longer listed. */
  reset(): void {
    this.records = [];
    this.counts.clear();
  }
}
