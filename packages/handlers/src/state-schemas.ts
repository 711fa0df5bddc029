/**
 * The harvest state read back from the destination bucket — the stored plan and the checksum journal files —
 * checked field by field: anyone with write access to the bucket could have edited them, and they decide what the
 * harvest fetches, where it writes, and which objects a completion record vouches for. Unknown fields are kept (a
 * newer writer's), every known one must have its type.
 */
import type { HarvestPlan, RecordedObject } from "@vod-harvest/harvest";
import { type Checksum, isChecksum } from "@vod-harvest/s3-sink";
import { z } from "zod";

type Resource = HarvestPlan["resources"][number];
const KINDS = [
  "manifest",
  "media",
  "init",
  "key",
  "subtitle",
  "image",
  "iframe",
] as const satisfies readonly Resource["kind"][];

const httpUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an http(s) URL",
  );
const key = z.string().min(1).max(1024);

const resourceSchema = z.looseObject({
  url: httpUrl,
  key,
  kind: z.enum(KINDS),
}) satisfies z.ZodType<Resource>;

const plannedManifestSchema = z.looseObject({
  url: httpUrl,
  key,
  body: z.string(),
  rewritten: z.boolean(),
  keptAbsolute: z.array(z.string()).optional(),
});

const harvestPlanSchema = z.looseObject({
  entryUrl: httpUrl,
  entryKey: key,
  root: httpUrl,
  allowHosts: z.array(z.string().min(1)),
  resources: z.array(resourceSchema).min(1),
  manifests: z.array(plannedManifestSchema),
}) satisfies z.ZodType<HarvestPlan>;

/** The journal's format name; a file without it is not ours. */
export const PROGRESS_FORMAT = "vod-harvest-progress";

const recordedObjectSchema = z.looseObject({
  key,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  checksum: z.custom<Checksum>(isChecksum, "must be a base64 CRC32C"),
}) satisfies z.ZodType<RecordedObject>;

/** Version 2: entries carry the CRC32C. Version 1 (sha256, before 2026-12) vouches for nothing: read as empty. */
export const progressFileSchema = z.union([
  z.looseObject({
    format: z.literal(PROGRESS_FORMAT),
    version: z.literal(2),
    entries: z.array(recordedObjectSchema),
  }),
  z
    .looseObject({ format: z.literal(PROGRESS_FORMAT), version: z.literal(1) })
    .transform(() => ({ format: PROGRESS_FORMAT, version: 2 as const, entries: [] as RecordedObject[] })),
]);

/** The value as the schema reads it, or its first problem as `<dotted path>: <message>` (`(what)` for the root). */
export function readState<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): { readonly data: T } | { readonly problem: string } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { data: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: issue ? `${issue.path.join(".") || `(${what})`}: ${issue.message}` : "invalid" };
}

/** For the error naming the stored plan. */
export function planProblem(value: unknown): string | undefined {
  const read = readState(harvestPlanSchema, value, "plan");
  return "problem" in read ? read.problem : undefined;
}
