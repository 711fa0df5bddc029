/**
 * A bounded pool whose lanes look one item ahead. Each lane runs one item at a time, as runPool's do; but once an
 * item no longer needs what it holds for the network (its body is in memory), its worker may let the lane take the
 * next item and start preparing it (its GET), so that transfer overlaps the end of this one (the store). Items in
 * work stay at most `concurrency`, prepared ones at most one per lane.
 */

export interface LaneControl {
  /** Take the next item now and start preparing it (once per item; later calls do nothing). */
  readonly takeNext: () => void;
  /** Give up what was prepared for the next item: it is prepared again when its turn comes. */
  readonly dropNext: () => void;
}

export interface LookaheadWork<T, P> {
  /** Starts what an item needs before its turn (undefined: nothing to start for it). */
  prepare(item: T): P | undefined;
  /** Gives up a preparation that will not be used (the lane stopped, or dropNext). */
  release(prepared: P): void;
  /** One item's work, with what was prepared for it, if anything: the work uses it or releases it. */
  work(item: T, prepared: P | undefined, lane: LaneControl): Promise<void>;
}

interface Taken<T, P> {
  readonly item: T;
  prepared: P | undefined;
}

/**
 * Runs `work` over the items of `source` with at most `concurrency` at once, pulling lazily as runPool does: a
 * source that stops yielding (abort, deadline) stops new work at once. A worker that throws rejects the pool, no lane
 * takes another item after it, and what was prepared for its lane's next item is released.
 */
export async function runLanesAhead<T, P>(
  source: Iterator<T>,
  concurrency: number,
  work: LookaheadWork<T, P>,
): Promise<void> {
  let exhausted = false;
  const take = (): T | undefined => {
    if (exhausted) return undefined;
    const result = source.next();
    if (result.done) exhausted = true;
    return result.done ? undefined : result.value;
  };
  const lane = async () => {
    const first = take();
    let current: Taken<T, P> | undefined =
      first === undefined ? undefined : { item: first, prepared: undefined };
    let next: Taken<T, P> | undefined;
    try {
      while (current !== undefined) {
        let taken = false;
        const control: LaneControl = {
          takeNext: () => {
            if (taken) return;
            taken = true;
            const item = take();
            if (item !== undefined) next = { item, prepared: work.prepare(item) };
          },
          dropNext: () => {
            if (next?.prepared === undefined) return;
            work.release(next.prepared);
            next.prepared = undefined;
          },
        };
        await work.work(current.item, current.prepared, control);
        if (!taken) {
          const item = take();
          next = item === undefined ? undefined : { item, prepared: undefined };
        }
        current = next;
        next = undefined;
      }
    } catch (error) {
      exhausted = true;
      if (next?.prepared !== undefined) work.release(next.prepared);
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
