import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { eventually, within } from '../session/helpers.js';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A redis-server of the test's own (never the shared 6379 one), which the test may kill and
 * start again on the same port. It keeps nothing on disk, so a restart comes back empty.
 */
export class PrivateRedisServer {
  #child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  /** Starts the server and resolves once it answers PING (at most 5 s). */
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    // A missing binary is reported by the bounded wait below, not as an uncaught error.
    child.on('error', () => {});
    this.#child = child;
    const probe = new Redis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await eventually(
        async () => {
          await probe.connect().catch(() => {});
          return probe.ping();
        },
        5_000,
        `redis-server on port ${this.port}`,
      );
    } finally {
      probe.disconnect();
    }
  }

  /** The running server process, e.g. to freeze it with SIGSTOP. */
  get process(): ChildProcess | undefined {
    return this.#child;
  }

  /** Kills the server (SIGKILL, as a crash would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await within(exited, 5_000, 'redis-server exit');
  }
}
