import type { ObjectRange, ObjectSink } from "./types.js";

/**
 * An object (or `range` of it) read whole as UTF-8 text: for the small ones a harvest keeps beside the copy
 * (completion record, stored plan, journal files) and a manifest's first bytes. A typed SinkError when absent.
 */
export async function readObjectText(
  sink: ObjectSink,
  key: string,
  signal?: AbortSignal,
  range?: ObjectRange,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.read(key, signal, range)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
