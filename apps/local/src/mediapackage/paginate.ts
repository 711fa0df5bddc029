/**
 * NextToken/MaxResults paging. The token is opaque to clients: base64url of the offset and of the filter it was
 * issued for, so a token replayed with another filter (or made up) is refused with 422 as the service does.
 */
import { unprocessable } from "./api-error.js";

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

export function paginate<T>(
  items: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
  filter: string,
): Page<T> {
  const offset = nextToken === undefined ? 0 : decodeToken(nextToken, filter);
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken(end, filter) : undefined,
  };
}

export function encodeToken(offset: number, filter: string): string {
  return Buffer.from(JSON.stringify({ offset, filter }), "utf8").toString("base64url");
}

function decodeToken(token: string, filter: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      offset?: unknown;
      filter?: unknown;
    };
    if (Number.isInteger(parsed.offset) && (parsed.offset as number) >= 0 && parsed.filter === filter) {
      return parsed.offset as number;
    }
  } catch {
    // fall through: not a token this emulator issued
  }
  throw unprocessable("NextToken is not valid for this request");
}
