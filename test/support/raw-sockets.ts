import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach } from 'vitest';

/**
 * Servers and raw sockets a test file opens, closed after each test (sockets destroyed, then each
 * server's connections dropped and the server closed). Push what the test opens onto the lists.
 */
export function closedAfterEach(): { servers: Server[]; sockets: Socket[] } {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  return { servers, sockets };
}
