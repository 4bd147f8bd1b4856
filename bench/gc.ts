// `npx tsx bench/gc.ts <scenario> [scenario…]`: the garbage collector's time per request of
// scenarios of `npm run bench`, each server in its own process under `node --trace-gc`, loaded in
// turns (GC_ROUNDS rounds, default 3, of GC_SECONDS s, default 6, after a 2 s warm-up; BENCH_RATE
// respected, 4000 a second is a good choice). For each round: the server's CPU µs per request
// and the milliseconds V8 reports per kind of collection (Scavenge, Mark-Compact with its
// incremental steps), divided by requests. On this noisy 2-core machine a change to what a
// request leaves alive (a store's entries outliving the young generation) showed here, run
// after run, when CPU per request could not tell it apart. Loads zgrobot as `npm run bench` does
// (dist/; run `npm run build` first, or BENCH_FROM=src).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runLoad } from './run-load.js';
import { SCENARIOS } from './scenarios.js';

const names = process.argv.slice(2);
const unknown = names.filter((name) => !SCENARIOS[name]);
if (names.length === 0 || unknown.length > 0) {
  console.error(`usage: tsx bench/gc.ts <scenario…>; one of ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const rounds = Number(process.env.GC_ROUNDS ?? 3);
const seconds = Number(process.env.GC_SECONDS ?? 6);

// `… ms: Scavenge 3.9 (4.0) -> 3.0 (5.0) MB, 2.81 / 0.00 ms  (+ 1.2 ms in 3 steps …` — the
// kind, the pause, and the incremental marking steps a Mark-Compact took before it.
const TRACE = / ms: ([\w-]+).*?MB, ([\d.]+) \/ [\d.]+ ms(?: {1,2}\(\+ ([\d.]+) ms in)?/;

/** One round of one scenario: its CPU and GC time per request. */
async function measure(name: string): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const server = spawn(
    process.execPath,
    ['--trace-gc', '--import', 'tsx', 'bench/scenarios.ts', name],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const gc = new Map<string, number>();
  const cpu: number[] = [];
  let counting = false;
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout }).on('line', (line) => {
      if (line.startsWith('PORT ')) resolve(line.slice(5));
      else if (line.startsWith('CPU ')) cpu.push(Number(line.slice(4)));
      const traced = counting ? TRACE.exec(line) : null;
      if (traced) {
        const [, kind = '?', pause = '0', steps = '0'] = traced;
        gc.set(kind, (gc.get(kind) ?? 0) + Number(pause) + Number(steps));
      }
    });
    server.once('exit', () => reject(new Error(`${name}: the server exited before listening`)));
  });
  await runLoad(port, scenario.encrypted, 2);
  counting = true;
  server.kill('SIGUSR2');
  const load = await runLoad(port, scenario.encrypted, seconds);
  server.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 300));
  counting = false;
  server.kill('SIGTERM');
  const [before = 0, after = 0] = cpu;
  const perRequest = (us: number) => (us / Math.max(load.total, 1)).toFixed(1);
  const kinds = [...gc].map(([kind, ms]) => `${kind} ${perRequest(ms * 1000)}`).join(', ');
  return `${perRequest(after - before)} µs CPU/req; GC µs/req: ${kinds || 'none'}`;
}

for (let round = 1; round <= rounds; round++) {
  for (const name of names) console.log(`round ${round} ${name}: ${await measure(name)}`);
}
