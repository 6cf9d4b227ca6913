// Times a command as a whole and the moment its first output line appears on stdout, in seconds
// from the spawn: the start-up cost a user waits for before results flow.
//   node bench/first-record.mjs COMMAND [ARGS...]
import {spawn} from 'node:child_process';

const t0 = performance.now();
const child = spawn(process.argv[2], process.argv.slice(3), {stdio: ['ignore', 'pipe', 'inherit']});
let first = null;
let lines = 0;
child.stdout.on('data', (chunk) => {
  first ??= performance.now();
  for (const c of chunk) if (c === 10) lines++;
});
child.on('close', (code) => {
  const end = performance.now();
  const s = (t) => ((t - t0) / 1000).toFixed(3);
  console.log(JSON.stringify({firstRecordS: first === null ? null : Number(s(first)), totalS: Number(s(end)), share: first === null ? null : Number(((first - t0) / (end - t0)).toFixed(3)), lines, code}));
});
