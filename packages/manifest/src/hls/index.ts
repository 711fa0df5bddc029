import type { ParseContext } from "../parse.js";
import type { ParsedManifest } from "../types.js";

export function parseHls(_text: string, _context: ParseContext): ParsedManifest {
  throw new Error("not implemented yet");
}
