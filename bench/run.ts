// `npm run bench`: each scenario's server in its own process, loaded by autocannon in another,
// peak RSS read from /proc; every ratio is against bare Koa measured in this same run.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SCENARIOS } from './scenarios.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(',');

/** Targets from the issues: the least ratio to bare Koa each scenario must reach. */
const TARGETS: Record<string, number> = {
  plain: 0.8,
  sqlite: 0.6,
  encrypted: 0.65,
  redisSession: 0.55,
  redisDedupe: 0.55,
};

interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

const node = (script: string, args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });

async function firstLine(child: ChildProcess, prefix: string): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  try {
    for await (const line of lines)
      if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
  } finally {
    lines.close();
  }
  throw new Error(`process ended before printing ${prefix}`);
}

async function cpuMicros(server: ChildProcess): Promise<number> {
  const answer = firstLine(server, 'CPU');
  server.kill('SIGUSR2');
  return Number(await answer);
}

async function load(port: string, encrypted: boolean, seconds: number): Promise<LoadResult> {
  const child = node('bench/load.ts', [
    port,
    encrypted ? 'encrypted' : 'plain',
    String(seconds),
    String(CONNECTIONS),
  ]);
  return JSON.parse(await firstLine(child, '{').then((rest) => `{${rest}`));
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

interface Row {
  name: string;
  label: string;
  result: LoadResult;
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
  cpuPerRequest: number;
}

async function measure(name: string): Promise<Row> {
  const scenario = SCENARIOS[name]!;
  const server = node('bench/scenarios.ts', [name]);
  try {
    const port = await firstLine(server, 'PORT');
    await load(port, scenario.encrypted, WARMUP);
    const pid = server.pid!;
    const samples: number[] = [rssMiB(pid)];
    const sampler = setInterval(() => samples.push(rssMiB(pid)), 250);
    const cpuBefore = await cpuMicros(server);
    const result = await load(port, scenario.encrypted, SECONDS);
    const cpuAfter = await cpuMicros(server);
    clearInterval(sampler);
    samples.push(rssMiB(pid));
    return {
      name,
      label: scenario.label,
      result,
      rssStart: samples[0]!,
      rssPeak: Math.max(...samples),
      rssEnd: samples.at(-1)!,
      cpuPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.total),
    };
  } finally {
    server.kill('SIGKILL');
  }
}

const names = Object.keys(SCENARIOS).filter((n) => n === 'koa' || !ONLY || ONLY.includes(n));
const rows: Row[] = [];
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(await measure(name));
}

const baseRow = rows.find((r) => r.name === 'koa')!;
const base = baseRow.result.rps;
const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  '\nratio = req/s ÷ bare Koa req/s; CPU ratio = bare Koa CPU per request ÷ this CPU per request (steadier on a busy machine)',
);
console.log(
  `\nzgrobot benchmark — ${SECONDS}s per scenario, ${CONNECTIONS} connections, Node ${process.version}\n`,
);
console.log(
  `${pad('scenario', 36)}${pad('req/s', 10)}${pad('p99 ms', 8)}${pad('RSS MiB start→end (peak)', 27)}` +
    `${pad('CPU µs/req', 12)}${pad('ratio', 7)}${pad('CPU ratio', 11)}${pad('target', 9)}errors`,
);
for (const r of rows) {
  const ratio = r.result.rps / base;
  const target = TARGETS[r.name];
  const verdict =
    target === undefined ? '' : `${ratio >= target ? '✓' : '✗'} ≥${target.toFixed(2)}`;
  console.log(
    `${pad(r.label, 36)}${pad(r.result.rps.toFixed(0), 10)}${pad(String(r.result.p99), 8)}` +
      `${pad(`${r.rssStart.toFixed(0)}→${r.rssEnd.toFixed(0)} (${r.rssPeak.toFixed(0)})`, 27)}` +
      `${pad(r.cpuPerRequest.toFixed(0), 12)}${pad(ratio.toFixed(2), 7)}` +
      `${pad((baseRow.cpuPerRequest / r.cpuPerRequest).toFixed(2), 11)}${pad(verdict, 9)}${r.result.errors + r.result.non2xx}`,
  );
}
