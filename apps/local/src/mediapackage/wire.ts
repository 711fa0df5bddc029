/**
 * restJson1 member names: the SDK's shapes are PascalCase (`PackagingGroupId`), the wire is camelCase
 * (`packagingGroupId`) for every member of this service. Tags are user data: their keys are never renamed.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function renameKeys(value: unknown, rename: (key: string) => string): Json {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (value === null || typeof value !== "object") return value as Json;
  const out: { [key: string]: Json } = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const renamed = rename(key);
    out[renamed] = renamed === "tags" || renamed === "Tags" ? (member as Json) : renameKeys(member, rename);
  }
  return out;
}

/** Wire body (camelCase) → SDK-shaped value (PascalCase). */
export function fromWire(value: unknown): unknown {
  return renameKeys(value, (key) => key.charAt(0).toUpperCase() + key.slice(1));
}

/** SDK-shaped value (PascalCase) → wire body (camelCase). */
export function toWire(value: unknown): Json {
  return renameKeys(value, (key) => key.charAt(0).toLowerCase() + key.slice(1));
}
