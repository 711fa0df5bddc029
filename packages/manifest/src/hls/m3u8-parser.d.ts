// m3u8-parser 7.2.0 ships no types: only the line-level ParseStream is used here (see tokenize.ts).
declare module "m3u8-parser" {
  /** One event per line: `uri`, `comment`, `custom`, or `tag` (unknown tags have no `tagType`, only `data`). */
  export interface ParseStreamEvent {
    readonly type: "uri" | "comment" | "tag" | "custom";
    /** A URI line, or EXT-X-MAP's URI attribute. */
    readonly uri?: string;
    readonly tagType?: string;
    /** Unknown tag: the line without its leading `#EXT`. */
    readonly data?: unknown;
    readonly attributes?: Readonly<Record<string, unknown>>;
    /** EXT-X-MAP's BYTERANGE attribute, parsed. */
    readonly byterange?: { readonly length?: number; readonly offset?: number };
    /** EXT-X-BYTERANGE's value, parsed. */
    readonly length?: number;
    readonly offset?: number;
  }

  export class ParseStream {
    on(event: "data", listener: (event: ParseStreamEvent) => void): void;
    /** Parses one line (without its line terminator). */
    push(line: string): void;
  }
}
