import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from './lock';

// Issue 7, item 5: at most one process ever serves a data directory, even when several take over
// a stale lock (its process is gone) in the same millisecond.
const DEAD_PID = 999_999_999;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payops-lock-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Three rival processes: each loads, then all try the same directories at the same instants. */
async function race(dirs: string[]): Promise<string[][]> {
  const children = Array.from({ length: 3 }, () =>
    spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'test/lock-race-child.ts', ...dirs], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const outputs = children.map((p) => {
    const lines: string[] = [];
    let buffer = '';
    p.stdout!.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
    return lines;
  });
  const until = async (ok: () => boolean) => {
    while (!ok()) await new Promise((r) => setTimeout(r, 50));
  };
  await until(() => outputs.every((lines) => lines.includes('ready')));
  const start = Date.now() + 300;
  for (const p of children) p.stdin!.write(`${start}\n`);
  await until(() => outputs.every((lines) => lines.length >= 2));
  for (const p of children) p.stdin!.end(); // every lock was held until all three had finished
  return outputs.map((lines) => JSON.parse(lines[1]));
}

describe('the embedded database lock', () => {
  it('refuses a second holder while the first is alive, and takes over a stale lock', () => {
    const dir = path.join(root, 'single');
    const release = lockDataDir(dir);
    fs.writeFileSync(path.join(dir, 'payops.lock'), String(process.ppid)); // a live process holds it
    expect(() => lockDataDir(dir)).toThrow(/in use by process/);
    fs.writeFileSync(path.join(dir, 'payops.lock'), String(DEAD_PID));
    const again = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'payops.lock'), 'utf8')).toBe(String(process.pid));
    again();
    release();
    expect(fs.existsSync(path.join(dir, 'payops.lock'))).toBe(false);
  });

  it('lets exactly one of three processes take over a stale lock in the same millisecond, 30 times', async () => {
    const dirs = Array.from({ length: 30 }, (_, i) => {
      const dir = path.join(root, `race-${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'payops.lock'), String(DEAD_PID));
      return dir;
    });
    const results = await race(dirs);
    const holders = dirs.map((dir) => results.filter((won) => won.includes(dir)).length);
    expect(holders.filter((h) => h > 1), `holders per directory: ${holders.join('')}`).toEqual([]);
    expect(holders.filter((h) => h === 0)).toEqual([]);
  }, 60_000);
});
