import { isTempName, resolveDirectory } from "./directory-paths.js";
import { InvalidKeyError, ObjectExistsError } from "./errors.js";
import { keyDirectory, keySegments } from "./keys.js";

/** Where a key's file lives: its directory's real path and its name. */
export interface Place {
  readonly dir: string;
  readonly name: string;
  /** The key's directory part, the cache's key. */
  readonly dirKey: string;
}

/**
 * The directory sink's map from keys to the real directories they live in: each key directory walked once (links
 * checked, made for a put), concurrent walks of one directory shared. `ready` gives the root's real path, made if
 * missing; `existingRoot` gives it only when it exists.
 */
export function createDirectoryPlaces(
  ready: () => Promise<string>,
  existingRoot: () => Promise<string | undefined>,
) {
  /**
   * Real paths of the key directories walked (symbolic links checked) and found or made. A directory verified once
   * stays verified, so a put costs no lstat per path segment; an error under it drops the entry (see `forget`) and
   * the next call walks again.
   */
  const directories = new Map<string, string>();
  /** Walks under way, by key directory: the first puts of a copy, all in one directory, share one walk. */
  const walking = new Map<string, Promise<string | undefined>>();

  async function locate(
    key: string,
    create: boolean,
    segments: readonly string[] = keySegments(key),
  ): Promise<Place | undefined> {
    const name = segments.at(-1) as string;
    if (isTempName(name)) throw new InvalidKeyError(key, "the name of a temp file of this sink");
    const dirKey = keyDirectory(key, name);
    const known = directories.get(dirKey);
    if (known !== undefined) return { dir: known, name, dirKey };
    // A walk that may create only joins one that may create: a lookup's walk finds nothing where a put makes it.
    const walkKey = `${create ? "+" : "-"}${dirKey}`;
    const own = () => walkTo(key, dirKey, segments.slice(0, -1), create);
    const shared = walking.get(walkKey);
    let dir: string | undefined;
    if (shared !== undefined) {
      // Its error names another key: a failed walk is walked again for this one (errors are rare, names matter).
      dir = await shared.catch(own);
    } else {
      const walk = own().finally(() => walking.delete(walkKey));
      walking.set(walkKey, walk);
      dir = await walk;
    }
    return dir === undefined ? undefined : { dir, name, dirKey };
  }

  /** The real path of a key's directory (made when `create`), remembered once found. */
  async function walkTo(
    key: string,
    dirKey: string,
    dirSegments: readonly string[],
    create: boolean,
  ): Promise<string | undefined> {
    const base = create ? await ready() : await existingRoot();
    if (base === undefined) return undefined;
    const dir = await resolveDirectory(base, dirSegments, key, create);
    if (dir !== undefined) directories.set(dirKey, dir);
    return dir;
  }

  /** After a failure under a directory: it may have gone or changed, so the next call walks it again. */
  function forget(place: Place | undefined, error: unknown): void {
    if (place !== undefined && !(error instanceof ObjectExistsError)) directories.delete(place.dirKey);
  }

  return { locate, forget };
}
