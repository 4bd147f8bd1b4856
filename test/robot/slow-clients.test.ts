import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { closedAfterEach } from '../support/raw-sockets.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';

// Slowloris against robot.run(): sockets that never finish their headers, and sockets that send
// headers then trickle a body. With short configured timeouts the server closes all of them within
// a few seconds, and a normal request is answered meanwhile. (Node's defaults would keep them for
// 60 s / 300 s.)
const PARTIAL_HEADERS = 200;
const TRICKLING_BODIES = 100;

const { servers, sockets } = closedAfterEach();

function echoRobot(): ZgRoBot {
  const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
  robot.text((ctx) => ctx.wechat.message.content);
  return robot;
}

/** A socket that keeps sending `write()` every `every` ms and resolves when the server closes it. */
function slowSocket(port: number, first: string, more: () => string, every: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.on('data', () => {}); // a 408, if the server sends one
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  socket.on('connect', () => {
    socket.write(first);
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(more());
    }, every);
    socket.on('close', () => clearInterval(timer));
  });
  return closed;
}

describe('robot.run() and slow clients', () => {
  it('closes slowloris sockets (partial headers, trickled bodies) within seconds, still answering others', async () => {
    const robot = echoRobot();
    const server = await robot.run({
      host: '127.0.0.1',
      port: 0,
      headersTimeout: 1_000,
      requestTimeout: 2_000,
      connectionsCheckingInterval: 200,
    });
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    let header = 0;
    const closings = [
      ...Array.from({ length: PARTIAL_HEADERS }, () =>
        slowSocket(
          port,
          'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n',
          () => `X-Slow-${header++}: 1\r\n`,
          300,
        ),
      ),
      ...Array.from({ length: TRICKLING_BODIES }, () =>
        slowSocket(
          port,
          `POST /?${signedQuery(TOKEN)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<xml>`,
          () => 'x',
          200,
        ),
      ),
    ];
    // A normal request in the middle of it gets its answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const res = await fetch(`http://127.0.0.1:${port}/?${signedQuery(TOKEN)}`, {
      method: 'POST',
      body: textXml('still here'),
      signal: AbortSignal.timeout(2_000),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('still here');
    const closedAt = await Promise.all(closings);
    const slowest = Math.max(...closedAt) - started;
    console.log(`slowloris: ${closings.length} sockets, the last closed after ${slowest} ms`);
    expect(slowest).toBeLessThan(4_000);
  });

  it('caps connections at maxConnections, closing the extra ones at once', async () => {
    const server = await echoRobot().run({ host: '127.0.0.1', port: 0, maxConnections: 5 });
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const idle = Array.from({ length: 5 }, () => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      return new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    });
    await Promise.all(idle);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = connect(port, '127.0.0.1');
    sockets.push(extra);
    extra.on('error', () => {});
    const started = Date.now();
    await new Promise<void>((resolve) => extra.on('close', () => resolve()));
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('has defaults suited to WeChat, and takes them from the config', async () => {
    const robot = echoRobot();
    expect(robot.config).toMatchObject({
      headersTimeout: 10_000,
      requestTimeout: 15_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
      maxConnections: 1_024,
      bodyTimeout: 10_000,
    });
    robot.config.update({ headersTimeout: 2_000, requestTimeout: 3_000, maxConnections: 7 });
    const server = await robot.run({ host: '127.0.0.1', port: 0, keepAliveTimeout: 1_500 });
    servers.push(server);
    expect(server).toMatchObject({
      headersTimeout: 2_000,
      requestTimeout: 3_000,
      keepAliveTimeout: 1_500,
      maxConnections: 7,
    });
  });

  it('refuses a headersTimeout longer than requestTimeout', async () => {
    await expect(
      echoRobot().run({ host: '127.0.0.1', port: 0, headersTimeout: 5_000, requestTimeout: 1_000 }),
    ).rejects.toThrow(RangeError);
  });
});
