/**
 * An HLS attribute list (RFC 8216 §4.2) as written: names to values, quoted-string values without their quotes.
 * A null-prototype object, so that a hostile attribute named `__proto__` is just a name.
 */
export type AttributeList = Readonly<Record<string, string>>;

/**
 * Reads `NAME=value,NAME="quoted, with commas",...` for the tags m3u8-parser does not know. Lenient as players
 * are: blanks around names and unquoted values are trimmed, an unterminated quoted-string runs to the end of the
 * line, and text without `=` is skipped.
 */
export function parseAttributeList(text: string): AttributeList {
  const attributes: Record<string, string> = Object.create(null);
  let position = 0;
  while (position < text.length) {
    const equals = text.indexOf("=", position);
    if (equals < 0) break;
    // Garbage before a name ("junk,NAME=...") belongs to no attribute: keep what follows its last comma.
    const rawName = text.slice(position, equals);
    const name = rawName.slice(rawName.lastIndexOf(",") + 1).trim();
    let valueStart = equals + 1;
    while (text[valueStart] === " " || text[valueStart] === "\t") valueStart++;
    let value: string;
    let next: number;
    if (text[valueStart] === '"') {
      const close = text.indexOf('"', valueStart + 1);
      value = text.slice(valueStart + 1, close < 0 ? text.length : close);
      next = close < 0 ? -1 : text.indexOf(",", close + 1);
    } else {
      next = text.indexOf(",", valueStart);
      value = text.slice(valueStart, next < 0 ? text.length : next).trim();
    }
    if (name !== "") attributes[name] = value;
    if (next < 0) break;
    position = next + 1;
  }
  return attributes;
}
