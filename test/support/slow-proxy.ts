import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 that holds back every chunk the server sends by `delay` ms. */
export interface SlowProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * Plays a slow server (Redis answering in 1.5 s): requests pass at once, each answer arrives
 * `delay` ms late, in order. The server still handles commands in the order they came, so only
 * the waiting of the client changes.
 */
export async function startSlowProxy(target: number, delay: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, delay);
    });
    upstream.on('close', () => setTimeout(() => client.destroy(), delay));
    client.on('close', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
