import type { Server, ServerResponse } from 'node:http';
import { reasonOf } from './core/errors.js';
import type { Logger } from './core/logger.js';

/**
 * Stops a server gracefully within `timeout` ms; resolves with how many requests it had to cut
 * off (`0`: every request in flight got its answer).
 */
export type StopServer = (timeout: number) => Promise<number>;

/**
 * Makes `server` stoppable gracefully; call it before the server takes requests. The returned
 * function closes the listening socket (new connections are refused), answers the requests in
 * flight with `Connection: close`, closes idle keep-alive connections at once and busy ones after
 * their answer, and past `timeout` destroys the connections still open.
 */
export function stoppable(server: Server): StopServer {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    // A request on a kept-alive connection after the stop began: answered, then closed.
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (stopping) server.closeIdleConnections();
    });
  });

  return async (timeout) => {
    stopping = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      new Promise<boolean>((resolve) => server.close(() => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeout);
      }),
    ]);
    clearTimeout(timer);
    if (inTime) return 0;
    const cut = inFlight.size;
    server.closeAllConnections();
    return cut;
  };
}

/** Shuts one robot down; resolves with how much it gave up on (`0`: nothing lost). */
export type Shutdown = (signal: NodeJS.Signals) => Promise<number>;

const shutdowns = new Set<Shutdown>();
const listening = new Map<NodeJS.Signals, () => void>();
let exiting = false;

/**
 * Runs `shutdown` on the first of `signals` the process receives, with every other shutdown
 * registered here, then exits: with `0` when none gave up on anything, else `1`. A second signal
 * while shutting down exits at once (`1`). One listener per signal serves every robot of the
 * process. Returns a function that takes `shutdown` off again (the listeners go when none is left).
 */
export function exitOnSignals(
  signals: readonly NodeJS.Signals[],
  shutdown: Shutdown,
  logger: Logger,
): () => void {
  shutdowns.add(shutdown);
  for (const signal of signals) {
    if (listening.has(signal)) continue;
    const onSignal = () => {
      if (exiting) {
        logger.warn(`zgrobot: ${signal} again while shutting down: exiting now`);
        process.exit(1);
      }
      exiting = true;
      void Promise.all([...shutdowns].map((stop) => stop(signal))).then(
        (lost) => process.exit(lost.some((n) => n > 0) ? 1 : 0),
        (error: unknown) => {
          logger.error(`zgrobot: shutting down failed: ${reasonOf(error)}`);
          process.exit(1);
        },
      );
    };
    listening.set(signal, onSignal);
    process.on(signal, onSignal);
  }
  return () => {
    shutdowns.delete(shutdown);
    // While exiting, a second signal must still find the listener that exits at once.
    if (shutdowns.size > 0 || exiting) return;
    for (const [signal, onSignal] of listening) process.off(signal, onSignal);
    listening.clear();
  };
}
