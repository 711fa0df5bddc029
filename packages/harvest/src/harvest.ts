import { setMaxListeners } from "node:events";
import { createOriginPolicy, type ManifestLimits, parseEntryUrl } from "@vod-harvest/manifest";
import type { ObjectSink } from "@vod-harvest/s3-sink";
import { copyObjects, resolveConcurrency, type StoredObject } from "./copy.js";
import { DestinationInUseError } from "./errors.js";
import { createOriginClient, type OriginClient } from "./http.js";
import { ChecksumJournal } from "./journal.js";
import { planHarvest } from "./plan.js";
import { buildRecord, type RecordedObject, readRecord, sourceOf, writeRecord } from "./record.js";
import { abortError } from "./retry.js";
import {
  COMPLETION_RECORD_KEY,
  type CopyOptions,
  type FailedResource,
  type HarvestPlan,
  type HarvestResult,
  type OriginRequest,
} from "./types.js";
import { verifyStored } from "./verify.js";

export interface CopyPlanOptions extends CopyOptions {
  /** The origin client; by default one is made from `headers` and the options, and closed at the end. */
  readonly client?: OriginClient;
  /** Sent with every origin request when no client is given (secrets: the plan never holds them). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HarvestOptions extends CopyOptions {
  /** The origin client; by default one is made from the request's headers and closed at the end. */
  readonly client?: OriginClient;
  readonly limits?: Partial<ManifestLimits>;
}

/** A run's options with the concurrency resolved (validated, default applied) once, at its start. */
type RunOptions<Options extends CopyOptions> = Options & { readonly concurrency: number };

function clientFor(
  options: RunOptions<CopyOptions>,
  headers: Readonly<Record<string, string>> | undefined,
): OriginClient {
  return createOriginClient({
    connections: options.concurrency,
    ...(headers ? { headers } : {}),
    ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
    ...(options.attempts !== undefined ? { retry: { attempts: options.attempts } } : {}),
  });
}

async function withClient<T>(
  given: OriginClient | undefined,
  make: () => OriginClient,
  body: (client: OriginClient) => Promise<T>,
): Promise<T> {
  const client = given ?? make();
  try {
    return await body(client);
  } finally {
    if (given === undefined) await client.close();
  }
}

/**
 * SKIPPED when a completion record of this asset is there (unless overwrite); with overwrite the old record goes
 * first. A record of another asset is refused (DestinationInUseError): reporting it as this asset's copy would
 * lose this asset without a word.
 */
async function checkRecord(
  sink: ObjectSink,
  entryUrl: string,
  options: CopyOptions,
): Promise<HarvestResult | undefined> {
  const record = await readRecord(sink, options.signal);
  if (record === undefined) return undefined;
  const source = sourceOf(entryUrl);
  if (record.source !== source && !options.overwrite) {
    throw new DestinationInUseError(sink.location, record.source, source);
  }
  if (options.overwrite) {
    // Until this run writes a new one, the copy must not look complete.
    await sink.delete(COMPLETION_RECORD_KEY, options.signal);
    return undefined;
  }
  return {
    status: "SKIPPED",
    objects: record.objects,
    bytes: record.bytes,
    entry: record.entry,
    failed: [],
    stoppedEarly: false,
  };
}

function totals(stored: Iterable<StoredObject>) {
  let objects = 0;
  let bytes = 0;
  for (const object of stored) {
    objects++;
    bytes += object.size;
  }
  return { objects, bytes };
}

/** What copy and verify came to: every file with its checksum, or the INCOMPLETE result. */
type Checked = { readonly files: RecordedObject[] } | { readonly incomplete: HarvestResult };

/**
 * Copies what is missing and verifies every planned key, within the budget: when the budget (or the caller's
 * signal) fires, whatever phase is running is cut and the result is INCOMPLETE + stoppedEarly.
 */
async function copyVerifyChecksum(
  plan: HarvestPlan,
  sink: ObjectSink,
  options: RunOptions<CopyOptions>,
  client: OriginClient,
  journal: ChecksumJournal,
): Promise<Checked> {
  const { concurrency } = options;
  const policy = createOriginPolicy(new URL(plan.entryUrl), plan.allowHosts);
  // One signal for the whole run: the caller's stop and the time budget, whichever fires first.
  const sources = [options.signal, options.budget].filter((signal) => signal !== undefined);
  const signal = sources.length > 0 ? AbortSignal.any(sources) : undefined;
  const stopped = () => signal?.aborted ?? false;
  // Every concurrent read of the checksum phase listens on it.
  if (signal) setMaxListeners(concurrency * 4 + 16, signal);
  const copied = await copyObjects(plan, sink, {
    ...options,
    signal,
    client,
    policy,
    journal,
  });
  const incomplete = (failed: readonly FailedResource[], stoppedEarly: boolean): Checked => ({
    incomplete: {
      status: "INCOMPLETE",
      ...totals(copied.stored.values()),
      entry: plan.entryKey,
      failed,
      stoppedEarly,
    },
  });
  if (copied.failed.length > 0 || copied.stoppedEarly) return incomplete(copied.failed, copied.stoppedEarly);

  const expected = new Map(
    plan.resources.map((resource) => [resource.key, copied.stored.get(resource.key)?.size ?? -1]),
  );
  let problems: Awaited<ReturnType<typeof verifyStored>>;
  try {
    problems = await verifyStored(sink, expected, signal);
  } catch (error) {
    if (stopped()) return incomplete([], true);
    throw error;
  }
  const urlOf = new Map(plan.resources.map((resource) => [resource.key, resource.url]));
  if (problems.length > 0) {
    return incomplete(
      problems.map(({ key, detail }) => ({
        url: urlOf.get(key) ?? "",
        key,
        error: `VerificationError: ${detail} after the copy`,
      })),
      false,
    );
  }
  const files = [...copied.stored.values()].map(({ key, size, checksum }) => ({ key, size, checksum }));
  return { files };
}

/**
 * Copy, verify, then the completion record. The checksum journal is saved at the end of every run,
 * before the record (a journal that cannot be saved fails the run, which then writes no record) and also when
 * the run throws (then the run's own error is the one reported).
 */
async function copyVerifyRecord(
  plan: HarvestPlan,
  sink: ObjectSink,
  options: RunOptions<CopyOptions>,
  client: OriginClient,
): Promise<HarvestResult> {
  options.onProgress?.({ type: "planned", objects: plan.resources.length, manifests: plan.manifests.length });
  const journal = await ChecksumJournal.open(options.progress, options.signal);
  // Stopped by the caller means "stop now": nothing more is written, the journal included.
  const saveJournal = () => (options.signal?.aborted ? Promise.resolve() : journal.save(options.signal));
  let checked: Checked;
  try {
    checked = await copyVerifyChecksum(plan, sink, options, client, journal);
  } catch (error) {
    await saveJournal().catch(() => undefined);
    throw error;
  }
  await saveJournal();
  if ("incomplete" in checked) return checked.incomplete;
  const record = buildRecord(plan, checked.files, new Date());
  // A record that survives a power cut must vouch for files that survived it too (the directory sink defers its
  // fsyncs to here; S3 puts are durable when they return).
  await sink.flush?.(options.signal);
  await writeRecord(sink, record, options.signal);
  await sink.flush?.(options.signal); // and the record itself, before COMPLETE is reported
  return {
    status: "COMPLETE",
    objects: record.objects,
    bytes: record.bytes,
    entry: plan.entryKey,
    failed: [],
    stoppedEarly: false,
  };
}

/** SKIPPED when a completion record is there (unless overwrite); otherwise runs `body` with an origin client. */
async function unlessComplete<Options extends CopyPlanOptions>(
  sink: ObjectSink,
  entryUrl: string,
  given: Options,
  headers: OriginRequest["headers"],
  body: (client: OriginClient, options: RunOptions<Options>) => Promise<HarvestResult>,
): Promise<HarvestResult> {
  // Resolved here, once: a bad value is refused before the record is even read.
  const options = { ...given, concurrency: resolveConcurrency(given.concurrency) };
  const skipped = await checkRecord(sink, entryUrl, options);
  if (skipped) return skipped;
  return withClient(
    options.client,
    () => clientFor(options, headers),
    (client) => body(client, options),
  );
}

/**
 * Copies a plan made earlier (e.g. stored by a time-boxed Lambda between invocations): record check, copy of what
 * is missing, verify, completion record. Call it again after an INCOMPLETE result to finish the job; pass
 * `overwrite` only on the first call of a job, or every call starts over.
 */
export async function copyPlan(
  plan: HarvestPlan,
  sink: ObjectSink,
  options: CopyPlanOptions = {},
): Promise<HarvestResult> {
  return unlessComplete(sink, plan.entryUrl, options, options.headers, (client, resolved) =>
    copyVerifyRecord(plan, sink, resolved, client),
  );
}

/**
 * Harvests one asset: a completion record already there means SKIPPED without touching the origin (unless
 * overwrite); otherwise crawl and plan, copy, verify, and write the record. Refusals and unreadable manifests are
 * thrown as typed errors before anything is written; a resource that fails after retries gives INCOMPLETE.
 */
export async function harvest(
  request: OriginRequest,
  sink: ObjectSink,
  options: HarvestOptions = {},
): Promise<HarvestResult> {
  return unlessComplete(
    sink,
    parseEntryUrl(request.entryUrl).href,
    options,
    request.headers,
    async (client, resolved) => {
      let plan: HarvestPlan;
      try {
        plan = await planHarvest(request, {
          client,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.limits ? { limits: options.limits } : {}),
        });
      } catch (error) {
        if (options.signal?.aborted) throw abortError(options.signal);
        throw error;
      }
      return copyVerifyRecord(plan, sink, resolved, client);
    },
  );
}
