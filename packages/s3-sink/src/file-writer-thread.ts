import { Worker } from "node:worker_threads";

/**
 * One small object to store: its bytes written to a new temp file, which is then linked to the final name (or
 * renamed over it, with overwrite) and removed.
 */
export interface StoreFileJob {
  readonly tempPath: string;
  readonly finalPath: string;
  /** Bytes in a buffer from `allocate` move to the thread (detached here until it is lent again); others are copied. */
  readonly data: Uint8Array;
  readonly overwrite: boolean;
}

/**
 * "exists": not overwriting, and the final name was taken (link's EEXIST); nothing of ours is left. `crc32c`: of the
 * bytes the job carried, computed on the thread (it has time to spare; the main thread has not).
 */
export interface StoreFileOutcome {
  readonly outcome: "stored" | "exists";
  readonly crc32c: number;
}

interface ErrnoFields {
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;
}

/** A job as it travels to the thread: a file to store, or files whose sizes to read. */
type Job = { readonly id: number } & (
  | (StoreFileJob & { readonly moved: boolean })
  | { readonly sizesOf: readonly string[] }
);

/** One job's outcome; the thread answers a batch of jobs with one message of these. */
type Reply = { readonly id: number; readonly returned?: ArrayBuffer } & (
  | StoreFileOutcome
  | { readonly sizes: readonly number[] }
  | { readonly error: ErrnoFields }
);

/**
 * The writer thread's whole program. It runs from its source text (so it cannot use anything of this module): the
 * same synchronous calls as a plain copy, one file at a time, in the order the jobs come.
 */
function writerThreadMain(): void {
  // Not `require` or `import`: the text runs as CommonJS or as a module, as the process's flags decide.
  const fs = process.getBuiltinModule("node:fs");
  const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
  const port = parentPort as NonNullable<typeof parentPort>;
  // The native CRC32C the main thread uses, resolved from the main thread's module (this text has none of its own):
  // here, not there, where the resolution (a few stats of node_modules) cost the copy's start 4 ms.
  const { resolvedFrom } = workerData as { resolvedFrom: string };
  const { crc32c } = process.getBuiltinModule("node:module").createRequire(resolvedFrom)(
    "@node-rs/crc32",
  ) as {
    crc32c: (data: Uint8Array) => number;
  };
  // O_EXCL: a temp file is always new; never write into something that is already there.
  const newFile = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
  const store = (job: StoreFileJob & { id: number }): StoreFileOutcome["outcome"] => {
    const fd = fs.openSync(job.tempPath, newFile, 0o666);
    try {
      for (let offset = 0; offset < job.data.length; ) {
        offset += fs.writeSync(fd, job.data, offset);
      }
    } catch (error) {
      fs.closeSync(fd);
      fs.unlinkSync(job.tempPath);
      throw error;
    }
    fs.closeSync(fd);
    if (job.overwrite) {
      try {
        fs.renameSync(job.tempPath, job.finalPath);
      } catch (error) {
        fs.unlinkSync(job.tempPath);
        throw error;
      }
      return "stored";
    }
    try {
      // link, not rename: it fails when the final name exists, atomically (Node has no RENAME_NOREPLACE).
      fs.linkSync(job.tempPath, job.finalPath);
      return "stored";
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists";
      throw error;
    } finally {
      fs.unlinkSync(job.tempPath);
    }
  };
  // A regular file's size, else -1 (gone, a link, a directory, unreadable): what a listing reports of it.
  const sizeOf = (path: string): number => {
    try {
      const stats = fs.lstatSync(path, { throwIfNoEntry: false });
      return stats?.isFile() ? stats.size : -1;
    } catch {
      return -1;
    }
  };
  port.on("message", (jobs: readonly Job[]) => {
    const replies: Reply[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const job of jobs) {
      if ("sizesOf" in job) {
        replies.push({ id: job.id, sizes: job.sizesOf.map(sizeOf) });
        continue;
      }
      // A moved buffer goes back to be lent again (see BufferPool).
      const returned = job.moved ? { returned: job.data.buffer as ArrayBuffer } : {};
      if (job.moved) transfer.push(job.data.buffer as ArrayBuffer);
      try {
        const crc = crc32c(job.data);
        replies.push({ id: job.id, outcome: store(job), crc32c: crc, ...returned });
      } catch (thrown) {
        const { message, code, errno, syscall, path } = thrown as NodeJS.ErrnoException;
        replies.push({ id: job.id, error: { message, code, errno, syscall, path }, ...returned });
      }
    }
    port.postMessage(replies, transfer);
  });
}

/** The fs error the thread met, rebuilt with the fields error mapping reads (code, errno, syscall, path). */
function errnoError(fields: ErrnoFields): NodeJS.ErrnoException {
  return Object.assign(new Error(fields.message), fields);
}

export interface FileWriterThread {
  /**
   * `size` bytes to fill and pass to `store`, in memory this thread lends: moved to the writer and back, then
   * lent again. Fresh memory for every object cost a page fault per 4 KiB and drove garbage collection.
   */
  allocate(size: number): Buffer;
  store(job: StoreFileJob): Promise<StoreFileOutcome>;
  /**
   * The size of each path that is a regular file, else -1 (missing, a symbolic link, a directory, unreadable), read
   * on the thread in one synchronous run: one lstat each through the thread pool cost 0.3 s per 16,000 files.
   */
  sizes(paths: readonly string[]): Promise<readonly number[]>;
}

/**
 * Jobs queued in one turn of the event loop before they go without waiting for its end. Measured from nginx,
 * alternated runs (median): 4,005 x 64 KiB 1.66 -> 1.44 s and 1.62 -> 1.53 s, 16,005 x 16 KiB 2.73 -> 2.32 s;
 * at 8 the messages cost more CPU than they saved, at 32 it waited as before.
 */
const POST_EVERY = 16;

/** Granularity of lent buffers: one class per 64 KiB of size. */
const CLASS_BYTES = 64 * 1024;
/** Most memory kept for lending between stores. */
const POOL_BYTES = 32 * 1024 * 1024;

/** ArrayBuffers returned by the writer, by size class, kept for the next objects of that class. */
class BufferPool {
  readonly #free = new Map<number, ArrayBuffer[]>();
  readonly #lent = new WeakSet<ArrayBuffer>();
  #pooledBytes = 0;

  allocate(size: number): Buffer {
    const capacity = Math.max(CLASS_BYTES, Math.ceil(size / CLASS_BYTES) * CLASS_BYTES);
    let buffer = this.#free.get(capacity)?.pop();
    // Not zeroed: every byte lent is written before it is stored.
    if (buffer === undefined) buffer = Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer;
    else this.#pooledBytes -= capacity;
    this.#lent.add(buffer);
    return Buffer.from(buffer, 0, size);
  }

  /** Whether `data` lies in a buffer this pool lent (so it may be moved to the writer and come back). */
  lent(data: Uint8Array): boolean {
    return data.buffer instanceof ArrayBuffer && this.#lent.has(data.buffer);
  }

  release(buffer: ArrayBuffer): void {
    if (this.#pooledBytes + buffer.byteLength > POOL_BYTES) return;
    const list = this.#free.get(buffer.byteLength) ?? [];
    list.push(buffer);
    this.#free.set(buffer.byteLength, list);
    this.#pooledBytes += buffer.byteLength;
    this.#lent.add(buffer);
  }
}

/**
 * Stores small files on a thread of their own. Creating a file waits on the file system (ext4's journal, the
 * directory's lock) for hundreds of microseconds under load; on the main thread that wait stalled every transfer,
 * and from libuv's four pool threads at once the creates contended for the same directories (docs/benchmarks.md).
 * One thread creating files one at a time, beside a main thread that only fetches and checksums, overlaps the two.
 * The thread keeps the process alive only while a job is pending.
 */
function startWriterThread(onGone: () => void): FileWriterThread {
  // esbuild's keepNames (tsx, vitest) wraps functions in __name(): the program's text may call it.
  const program = `var __name = (target) => target;\n(${writerThreadMain.toString()})();`;
  const worker = new Worker(program, { eval: true, workerData: { resolvedFrom: import.meta.url } });
  worker.unref();
  // biome-ignore lint/suspicious/noExplicitAny: each job's promise takes its own kind of answer (see `send`).
  const pending = new Map<number, { resolve: (answer: any) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let gone: Error | undefined;
  const pool = new BufferPool();
  worker.on("message", (replies: readonly Reply[]) => {
    for (const reply of replies) {
      if (reply.returned !== undefined) pool.release(reply.returned);
      const job = pending.get(reply.id);
      if (job === undefined) continue;
      pending.delete(reply.id);
      if ("error" in reply) job.reject(errnoError(reply.error));
      else job.resolve("sizes" in reply ? reply.sizes : { outcome: reply.outcome, crc32c: reply.crc32c });
    }
    if (pending.size === 0) worker.unref();
  });
  // Jobs stored in one turn of the event loop go in one message: each message wakes the thread (a message per
  // file cost 157 ms of main-thread CPU per 4,000 files). A busy turn (32 responses read at once) sends every
  // POST_EVERY jobs instead of making the thread wait for the turn's end.
  let queued: Job[] = [];
  let moving: ArrayBuffer[] = [];
  const post = () => {
    if (queued.length === 0) return; // sent already (see send's `now`)
    const jobs = queued;
    const transfer = moving;
    queued = [];
    moving = [];
    try {
      worker.postMessage(jobs, transfer);
    } catch (error) {
      // A job the message cannot carry (a buffer detached meanwhile): those jobs fail, not the process.
      for (const job of jobs) {
        pending.get(job.id)?.reject(error as Error);
        pending.delete(job.id);
      }
      if (pending.size === 0) worker.unref();
    }
  };
  const fail = (error: Error) => {
    gone ??= error;
    onGone();
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the file writer thread exited (code ${code})`)));
  /**
   * Queues a job for this turn's message; the promise settles with the thread's answer to it. `now`: the message goes
   * at once, with whatever is queued: the caller is about to keep this thread busy (sizes read on both threads at
   * once: sent at the end of the turn, the thread's half waited for this thread's, 25 ms of 4,005 files).
   */
  function send<Answer>(job: (id: number) => Job, now = false): Promise<Answer> {
    if (gone !== undefined) return Promise.reject(gone);
    const id = nextId++;
    const answer = new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      queued.push(job(id));
      if (queued.length === 1 && !now) setImmediate(post);
    });
    if (now || queued.length >= POST_EVERY) post();
    return answer;
  }
  return {
    allocate: (size) => pool.allocate(size),
    store: (job) =>
      send<StoreFileOutcome>((id) => {
        // Lent memory moves (no copy); any other bytes are copied into the message.
        const moved = pool.lent(job.data);
        if (moved) moving.push(job.data.buffer as ArrayBuffer);
        return { ...job, id, moved };
      }),
    sizes: (paths) => send<readonly number[]>((id) => ({ id, sizesOf: paths }), true),
  };
}

let shared: FileWriterThread | undefined;

/** The process's file writer thread, started on first use (and again if it ever died). */
export function fileWriterThread(): FileWriterThread {
  shared ??= startWriterThread(() => {
    shared = undefined;
  });
  return shared;
}
