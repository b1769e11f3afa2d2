import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite allows exactly one process per data directory: a second one silently loses writes or
 * corrupts it. A lock file holding our pid refuses the second process with a clear error.
 *
 * Every step that decides who holds the lock is an exclusive create (`O_EXCL`), which the file
 * system performs atomically. Taking over a stale lock (its process is gone) used to be "read
 * pid, remove, create": two processes doing that in the same millisecond could each remove the
 * other's fresh lock and both serve. Now a takeover first wins a second exclusive file, re-reads
 * the lock under it, and only then replaces it; the loser starts over and finds the winner alive.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'payops.lock');
  const takeoverPath = `${lockPath}.takeover`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(lockPath)) return releaser(lockPath);
    const holder = readPid(lockPath);
    if (holder !== null && holder !== process.pid && isAlive(holder)) throw inUse(dataDir, holder);
    // Stale (or being written this instant: an empty file is re-read on the next attempt).
    if (holder !== null && createExclusive(takeoverPath)) {
      try {
        if (readPid(lockPath) === holder) {
          fs.rmSync(lockPath, { force: true });
          if (createExclusive(lockPath)) return releaser(lockPath);
        }
      } finally {
        fs.rmSync(takeoverPath, { force: true });
      }
    } else {
      clearAbandonedTakeover(takeoverPath);
    }
    sleepSync(1 + Math.floor(Math.random() * 5));
  }
  throw new Error(`Could not lock ${dataDir}: its lock file keeps changing hands.`);
}

/** Creates `file` holding our pid, only if it does not exist; false when it does. */
function createExclusive(file: string): boolean {
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A takeover lasts microseconds; a takeover file older than 30 s was left by a process that died
 * inside one, and is removed so that the directory does not stay locked for ever.
 */
function clearAbandonedTakeover(takeoverPath: string) {
  try {
    if (Date.now() - fs.statSync(takeoverPath).mtimeMs > 30_000) fs.rmSync(takeoverPath, { force: true });
  } catch {
    // gone already
  }
}

function releaser(lockPath: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readPid(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return release;
}

function inUse(dataDir: string, holder: number): Error {
  return new Error(
    `The embedded database in ${dataDir} is in use by process ${holder}. PGlite allows one ` +
      `process per data directory: stop that process, use another DATA_DIR, or set DATABASE_URL.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
