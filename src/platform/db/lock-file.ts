// Two processes opening the same PGlite folder corrupt it silently, so the folder is guarded by a
// lock file holding the owner's PID; a lock left by a dead process is taken over.
import fs from 'node:fs';
import path from 'node:path';

export interface DirectoryLock {
  release(): void;
}

export class DirectoryLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`The data folder ${dir} is in use by process ${pid}. Stop it, or set DATA_DIR to another folder.`);
    this.name = 'DirectoryLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDirectoryLock(dir: string): DirectoryLock {
  const file = path.join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DirectoryLockedError(dir, owner);
      }
      if (owner === process.pid) throw new DirectoryLockedError(dir, owner);
      fs.unlinkSync(file); // stale lock of a process that is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}
