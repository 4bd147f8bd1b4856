import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What bench/load.ts prints of one load: autocannon's figures and what went wrong. */
export interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  reused: number;
}

/** Connections each load keeps busy: BENCH_CONNECTIONS, default 50. */
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

/**
 * Loads the server on `port` for `seconds` from a child process (bench/load.ts: its requests
 * signed, and encrypted when `encrypted`, before its clock starts; BENCH_RATE respected), and
 * resolves with what it measured. The load runs in its own process so that its CPU is not the
 * server's.
 */
export async function runLoad(
  port: string | number,
  encrypted: boolean,
  seconds: number,
): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/load.ts',
      String(port),
      encrypted ? 'encrypted' : 'plain',
      String(seconds),
      String(CONNECTIONS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let last = '';
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('{')) last = line;
  }
  if (!last) throw new Error('bench/load.ts printed no result');
  return JSON.parse(last) as LoadResult;
}
