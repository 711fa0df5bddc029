/**
 * The stored harvest plan, checked field by field when it is read back: it lies in the destination bucket, where
 * anyone with write access could have edited it, and it decides what the harvest fetches and where it writes.
 * Unknown fields are kept (a newer writer's), every known one must have its type.
 */
import type { HarvestPlan } from "@vod-harvest/harvest";
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

/** The first problem, as `<dotted path>: <message>`, for the error naming the stored plan. */
export function planProblem(value: unknown): string | undefined {
  const parsed = harvestPlanSchema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join(".") || "(plan)"}: ${issue.message}` : "invalid";
}
