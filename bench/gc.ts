// `npx tsx bench/gc.ts <scenario> [scenario…]`: the garbage collector's work per request in
// scenarios of `npm run bench`, each server in its own process under `node --trace-gc-nvp`,
// loaded in turns (GC_ROUNDS rounds, default 3, of GC_SECONDS s, default 6, after a 2 s warm-up;
// BENCH_RATE respected, 4000 a second is a good choice). For each round: the server's CPU µs per
// request, the pause µs per request by kind of collection (s: scavenge, mc: mark-compact), and
// the bytes per request that scavenges promoted to the old generation: what a request leaves
// alive past two scavenges, which every scavenge copies and a mark-compact must collect. On this
// noisy 2-core machine such changes (a store's entries, a closure keeping a body alive) showed
// here, run after run, when CPU per request could not tell them apart. Loads zgrobot as `npm run bench` does
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

// `… ms: pause=4.4 mutator=47.7 gc=s … promoted=1234 …`: one line per collection.
const PAUSE = /\bpause=([\d.]+)/;
const KIND = /\bgc=(\w+)/;
const PROMOTED = /\bpromoted=(\d+)/;

/** One round of one scenario: its CPU and GC time per request. */
async function measure(name: string): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const server = spawn(
    process.execPath,
    ['--trace-gc-nvp', '--import', 'tsx', 'bench/scenarios.ts', name],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const gc = new Map<string, number>();
  let promoted = 0;
  const cpu: number[] = [];
  let counting = false;
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout }).on('line', (line) => {
      if (line.startsWith('PORT ')) resolve(line.slice(5));
      else if (line.startsWith('CPU ')) cpu.push(Number(line.slice(4)));
      const kind = counting ? KIND.exec(line)?.[1] : undefined;
      if (kind) {
        gc.set(kind, (gc.get(kind) ?? 0) + Number(PAUSE.exec(line)?.[1] ?? 0));
        promoted += Number(PROMOTED.exec(line)?.[1] ?? 0);
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
  const promotedPerRequest = (promoted / Math.max(load.total, 1)).toFixed(0);
  return `${perRequest(after - before)} µs CPU/req; GC pause µs/req: ${kinds || 'none'}; promoted ${promotedPerRequest} B/req`;
}

for (let round = 1; round <= rounds; round++) {
  for (const name of names) console.log(`round ${round} ${name}: ${await measure(name)}`);
}
