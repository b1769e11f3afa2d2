// A child process for db/lock.int.test.ts. Prints "ready", reads the agreed start instant from
// stdin, then at each step tries to lock one directory, busy-waiting to the same millisecond as
// its rivals; prints the directories it won and holds them until stdin closes.
import readline from 'node:readline';
import { lockDataDir } from '@/db/lock';

process.setMaxListeners(0);
const dirs = process.argv.slice(2);
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', (line) => {
  const start = Number(line);
  const won: string[] = [];
  dirs.forEach((dir, i) => {
    const at = start + i * 25;
    while (Date.now() < at) {
      // spin: the rivals must arrive in the same millisecond
    }
    try {
      lockDataDir(dir);
      won.push(dir);
    } catch {
      // refused: another process holds it
    }
  });
  process.stdout.write(`${JSON.stringify(won)}\n`);
});
lines.on('close', () => process.exit(0));
