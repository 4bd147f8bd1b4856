// `npx tsx bench/soak.ts [messages]` (`npm run bench:soak`): issue 12's flat-RSS check. The
// plain echo bot of `npm run bench` (default dedup and replay check, sessions off) in its own
// process is sent `messages` (default 1 000 000) distinct messages, each from a user of its own
// with a MsgId and nonce of its own, signed as it is sent. Every 5 % the server (run with
// --expose-gc) collects its garbage fully and reports its RSS and heap: what it keeps, not where
// the young generation happens to be (RSS read without a collection swings ±30 % under load).
// The verdict compares the RSS at 50 % and 100 % with that at 10 % (after warm-up, when every
// bounded cache is full): within ±10 % passes. SOAK_CONNECTIONS (default 50) in flight.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { benchRequest } from './requests.js';
import { TOKEN } from './scenarios.js';

const MESSAGES = Number(process.argv[2] ?? process.env.SOAK_MESSAGES ?? 1_000_000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 50);

if (process.env.BENCH_FROM !== 'src') {
  process.stderr.write('soak: building dist/ (npm run build)…\n');
  const built = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

const server = spawn(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', 'bench/scenarios.ts', 'plain'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const lines = createInterface({ input: server.stdout });
const waiting = new Map<string, (rest: string) => void>();
lines.on('line', (line) => {
  for (const [prefix, resolve] of waiting) {
    if (line.startsWith(prefix)) {
      waiting.delete(prefix);
      resolve(line.slice(prefix.length).trim());
    }
  }
});
const nextLine = (prefix: string) => new Promise<string>((resolve) => waiting.set(prefix, resolve));
/** The server's CPU time so far (µs), and its RSS and heap after a full collection (MiB). */
const probe = async () => {
  const cpu = nextLine('CPU');
  const mem = nextLine('MEM');
  const rawRss = rssMiB();
  server.kill('SIGUSR2');
  const [rss = 0, heap = 0, heapTotal = 0, external = 0] = (await mem)
    .split(' ')
    .map((n) => Number(n) / 2 ** 20);
  return { cpu: Number(await cpu), rss, heap, heapTotal, external, rawRss };
};
const rssMiB = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) /
  1024;

const port = await nextLine('PORT');
/** Message `i`, signed now: a user, a MsgId and a nonce no other message has. */
const requestFor = (i: number) =>
  benchRequest(i, { credentials: { token: TOKEN }, openidOf: (n) => `soak_user_${n}` });

const STEP = Math.max(1, Math.floor(MESSAGES / 20));
interface Sample {
  sent: number;
  rss: number;
  heap: number;
  heapTotal: number;
  external: number;
  rawRss: number;
}
const samples: Sample[] = [];
const sample = async (sent: number) => samples.push({ sent, ...(await probe()) });
const started = Date.now();
const cpuBefore = (await probe()).cpu;
let sent = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: CONNECTIONS,
  amount: MESSAGES,
  timeout: 30,
  method: 'POST',
  headers: { 'content-type': 'text/xml' },
  requests: [
    {
      setupRequest: (request) => {
        const r = requestFor(sent++);
        if (sent % STEP === 0 && sent < MESSAGES) void sample(sent);
        return { ...request, path: r.path, body: r.body };
      },
    },
  ],
});
const last = await probe();
samples.push({ sent: MESSAGES, ...last });
const cpu = last.cpu - cpuBefore;
server.kill('SIGKILL');

const at = (fraction: number) =>
  samples.find((s) => s.sent >= MESSAGES * fraction) ?? samples.at(-1)!;
const base = at(0.1);
samples.sort((a, b) => a.sent - b.sent);
const drift = (s: { rss: number }) => (s.rss - base.rss) / base.rss;
const seconds = (Date.now() - started) / 1000;
console.log(
  `\nsoak: ${result.requests.total} messages in ${seconds.toFixed(0)} s (${(result.requests.total / seconds).toFixed(0)} req/s), ` +
    `${result.non2xx} non-2xx, ${result.errors + result.timeouts} errors; server CPU ${(cpu / Math.max(1, result.requests.total)).toFixed(0)} µs/req`,
);
const trace = (value: (s: Sample) => number) =>
  samples.map((s) => `${Math.round((100 * s.sent) / MESSAGES)}% ${value(s).toFixed(0)}`).join(', ');
console.log(`RSS MiB after a full GC, by messages sent: ${trace((s) => s.rss)}`);
console.log(`heap used MiB after that GC:             ${trace((s) => s.heap)}`);
console.log(`heap reserved MiB after that GC:         ${trace((s) => s.heapTotal)}`);
console.log(`external MiB (buffers) after that GC:    ${trace((s) => s.external)}`);
console.log(`RSS MiB just before it (no GC):          ${trace((s) => s.rawRss)}`);
const checks = [at(0.5), at(1)].map((s) => ({
  s,
  d: drift(s),
  h: (s.heap - base.heap) / base.heap,
}));
const flat = checks.every(({ d }) => Math.abs(d) <= 0.1);
// The heap after a full collection is what the bot keeps; it must not grow either.
const heapFlat = checks.every(({ h }) => Math.abs(h) <= 0.1);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
console.log(
  `10 % ${base.rss.toFixed(1)} MiB RSS, ${base.heap.toFixed(1)} MiB heap → ${checks
    .map(
      ({ s, d, h }) =>
        `${Math.round((100 * s.sent) / MESSAGES)} % ${s.rss.toFixed(1)} MiB (${pct(d)}), heap ${s.heap.toFixed(1)} MiB (${pct(h)})`,
    )
    .join(' → ')}`,
);
console.log(
  `RSS ${flat ? 'flat (within ±10 % after warm-up) ✓' : 'NOT flat ✗'}; heap ${heapFlat ? 'flat ✓' : 'NOT flat ✗'}`,
);
process.exit(flat && heapFlat && result.non2xx === 0 ? 0 : 1);
