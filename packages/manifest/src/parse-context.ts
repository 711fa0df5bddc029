/** What every format parser receives besides the text: its own file, so the parsers and parse.ts share it. */
import type { ResourceBudget } from "./limits.js";
import type { HlsVariables, ManifestLimits, MediaRole } from "./types.js";

/** What every format parser receives besides the text. */
export interface ParseContext {
  readonly role: MediaRole;
  readonly now: Date | undefined;
  readonly limits: ManifestLimits;
  readonly budget: ResourceBudget;
  /** HLS only, see ParseOptions: the manifest URL's query and the referring multivariant's variables. */
  readonly query?: string | undefined;
  readonly parentVariables?: HlsVariables | undefined;
}
