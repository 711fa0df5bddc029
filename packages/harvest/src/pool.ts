/**
 * Runs `worker` over the items of `source` with at most `concurrency` at once. Workers pull the next item only
 * when free, so a lazy source (an async generator) is never run ahead: memory stays bounded by the concurrency,
 * and a source that stops yielding (deadline, abort) stops new work at once. A worker that throws rejects the
 * pool with its error, and no lane pulls another item after it (those in flight finish).
 */
export async function runPool<T>(
  source: AsyncIterator<T> | Iterator<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let exhausted = false;
  const next = async (): Promise<IteratorResult<T>> => {
    if (exhausted) return { done: true, value: undefined };
    const result = await source.next();
    if (result.done) exhausted = true;
    return result;
  };
  const lane = async () => {
    try {
      for (let item = await next(); !item.done; item = await next()) await worker(item.value);
    } catch (error) {
      exhausted = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
