/**
 * An HLS attribute list (RFC 8216 §4.2) as written: names to values, quoted-string values without their quotes.
 * A null-prototype object, so that a hostile attribute named `__proto__` is just a name.
 */
export type AttributeList = Readonly<Record<string, string>>;

/** One attribute of an attribute list and where it lies in the text, so that it can be replaced in place. */
export interface AttributeSpan {
  readonly name: string;
  /** The value as parseAttributeList reads it (quotes removed, unquoted values trimmed). */
  readonly value: string;
  readonly quoted: boolean;
  /** `[start, end)` of the whole `NAME=value`, closing quote included. */
  readonly start: number;
  readonly end: number;
  /** `[valueStart, valueEnd)` of the value without its quotes. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * Reads `NAME=value,NAME="quoted, with commas",...` from `from` on, lenient as players are: blanks around names
 * and unquoted values are trimmed, an unterminated quoted-string runs to the end of the text, and text without
 * `=` is skipped. One scanner for both readers below, so that they agree on every input.
 */
function scanAttributes(text: string, from: number, visit: (span: AttributeSpan) => void): void {
  let position = from;
  while (position < text.length) {
    const equals = text.indexOf("=", position);
    if (equals < 0) break;
    // Garbage before a name ("junk,NAME=...") belongs to no attribute: keep what follows its last comma.
    const rawName = text.slice(position, equals);
    const afterComma = rawName.slice(rawName.lastIndexOf(",") + 1);
    const name = afterComma.trim();
    const start = equals - afterComma.length + (afterComma.length - afterComma.trimStart().length);
    let valueStart = equals + 1;
    while (text[valueStart] === " " || text[valueStart] === "\t") valueStart++;
    let next: number;
    if (text[valueStart] === '"') {
      const close = text.indexOf('"', valueStart + 1);
      const valueEnd = close < 0 ? text.length : close;
      const end = close < 0 ? text.length : close + 1;
      if (name !== "") {
        const value = text.slice(valueStart + 1, valueEnd);
        visit({ name, value, quoted: true, start, end, valueStart: valueStart + 1, valueEnd });
      }
      next = close < 0 ? -1 : text.indexOf(",", close + 1);
    } else {
      next = text.indexOf(",", valueStart);
      const raw = text.slice(valueStart, next < 0 ? text.length : next);
      const value = raw.trim();
      const valueEnd = valueStart + raw.trimEnd().length;
      if (name !== "") visit({ name, value, quoted: false, start, end: valueEnd, valueStart, valueEnd });
    }
    if (next < 0) break;
    position = next + 1;
  }
}

/** Reads an attribute list for the tags m3u8-parser does not know. A repeated name keeps its last value. */
export function parseAttributeList(text: string): AttributeList {
  const attributes: Record<string, string> = Object.create(null);
  scanAttributes(text, 0, (span) => {
    attributes[span.name] = span.value;
  });
  return attributes;
}

/** Every attribute of the list that starts at `from` in `text`, in order, with its position in `text`. */
export function attributeSpans(text: string, from = 0): AttributeSpan[] {
  const spans: AttributeSpan[] = [];
  scanAttributes(text, from, (span) => spans.push(span));
  return spans;
}
