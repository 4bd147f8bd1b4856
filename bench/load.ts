// One autocannon run in its own process, so the load generator does not share an event loop
// with the server under test. Prints one JSON line with the results.

import autocannon from 'autocannon';
import { cryptFor } from '../src/wechat-request.js';
import { benchRequest } from './requests.js';
import { AES_KEY, APP_ID, TOKEN } from './scenarios.js';

const [port, encrypted, seconds, connections] = [
  Number(process.argv[2]),
  process.argv[3] === 'encrypted',
  Number(process.argv[4] ?? 10),
  Number(process.argv[5] ?? 50),
];

// Signed (and, for encrypted scenarios, encrypted) exactly as WeChat sends them: the builders
// of `zgrobot/testing`.
const credentials = encrypted
  ? { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID }
  : { token: TOKEN };
const crypt = cryptFor(credentials);

// Distinct messages from 1000 users, so sessions and dedup see realistic keys.
const requestFor = (i: number) =>
  benchRequest(i, { credentials, crypt, openidOf: (n) => `user_${n % 1000}` });

// The whole pool is built before the clock starts, so the load generator signs and encrypts
// nothing during the run. It holds more requests than the run can send (POOL_PER_SECOND is
// above any rate seen on this machine); if a run ever outruns it, requests repeat from the start
// and `reused` says how many (a repeat is a retry to the bot, answered from its dedup cache).
const POOL_PER_SECOND = Number(process.env.BENCH_POOL_PER_SECOND ?? 16_000);
const pool = Array.from({ length: Math.ceil(seconds * POOL_PER_SECOND) }, (_, i) => requestFor(i));

// BENCH_RATE=<n>: n requests a second in all, for every row alike (see bench/run.ts).
const rate = Number(process.env.BENCH_RATE) || undefined;

let next = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  ...(rate ? { overallRate: rate } : {}),
  method: 'POST',
  headers: { 'content-type': 'text/xml' },
  requests: [
    {
      setupRequest: (request) => {
        const r = pool[next++ % pool.length]!;
        return { ...request, path: r.path, body: r.body };
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    reused: Math.max(0, next - pool.length),
  })}\n`,
);
