/**
 * Ends a long-running local process (`pnpm demo --keep`) when whoever started it is gone. Killing the PID of
 * `pnpm demo --keep &` ends pnpm only: the shell and tsx between it and the demo are orphaned and keep the stack
 * up. So the demo watches its launcher chain — the ancestors up to the first one that is not a launcher (the
 * user's shell or init) — and stops everything when one of them exits.
 */
import { readFileSync } from "node:fs";

/** Process names of the launchers between a user's shell and the demo. */
const LAUNCHERS = new Set(["node", "pnpm", "npm", "tsx", "sh", "dash"]);

interface ProcInfo {
  readonly name: string;
  readonly parent: number;
}

/** Name and parent of a process from /proc (Linux), or undefined. */
function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // `pid (name) state ppid …`: the name may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const parent = Number(stat.slice(close + 2).split(" ")[1]);
    return { name, parent };
  } catch {
    return undefined;
  }
}

/** The launcher ancestors of `pid`, nearest first (empty where /proc is not readable). */
export function launcherAncestors(pid: number = process.pid): number[] {
  const chain: number[] = [];
  let current = procInfo(pid)?.parent;
  while (current !== undefined && current > 1 && chain.length < 16) {
    const info = procInfo(current);
    if (info === undefined || !LAUNCHERS.has(info.name)) break;
    chain.push(current);
    current = info.parent;
  }
  return chain;
}

/** Whether a process exists (signal 0: nothing is sent). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Calls `onGone` once when any of `pids` has exited (checked every `intervalMs`); returns a function that stops
 * watching. The timer does not keep the process alive.
 */
export function watchProcesses(pids: readonly number[], onGone: (pid: number) => void, intervalMs = 1_000) {
  const timer = setInterval(() => {
    const gone = pids.find((pid) => !alive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
