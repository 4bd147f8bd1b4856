import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { closedAfterEach } from '../support/raw-sockets.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';

// robot.callback() takes a body that came with its headers straight from the request's buffer
// (middleware/node-body.ts, bufferedBody); one that comes later is read as it arrives. Both are
// driven here over raw sockets, where the test decides how the bytes are cut into packets.

const { servers, sockets } = closedAfterEach();

/**
 * Where each request's body was read from: `null` (the stream never flowed) when it was taken
 * from the buffer, `true` or `false` when a 'data' listener read it as it came.
 */
const flowing: (boolean | null)[] = [];

async function echoServer(): Promise<number> {
  flowing.length = 0;
  const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
  robot.text((ctx) => {
    flowing.push((ctx as unknown as { req: IncomingMessage }).req.readableFlowing);
    return `echo:${ctx.wechat.message.content}`;
  });
  const server = await robot.run({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

function post(content: string): { head: string; body: Buffer } {
  const body = Buffer.from(textXml(content), 'utf8');
  const head =
    `POST /?${signedQuery()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  return { head, body };
}

/** Opens a socket and collects what it receives until `answers` responses have come. */
function exchange(port: number, answers: number, send: (socket: Socket) => void) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  return new Promise<string>((resolve, reject) => {
    let received = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if ((received.match(/HTTP\/1\.1 /g) ?? []).length >= answers && received.endsWith('</xml>')) {
        resolve(received);
      }
    });
    socket.on('connect', () => send(socket));
  });
}

describe('reading a request body under robot.callback()', () => {
  it('answers three requests pipelined in one packet, each with its own body, on one connection', async () => {
    const port = await echoServer();
    const requests = ['一', 'two', 'drei'].map(post);
    const wire = Buffer.concat(requests.flatMap(({ head, body }) => [Buffer.from(head), body]));
    const received = await exchange(port, 3, (socket) => socket.write(wire));
    const contents = [...received.matchAll(/<Content><!\[CDATA\[(.*?)\]\]><\/Content>/g)].map(
      (m) => m[1],
    );
    expect(contents).toEqual(['echo:一', 'echo:two', 'echo:drei']);
    expect(received.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(flowing).toEqual([null, null, null]); // each taken from the buffer
  });

  it('reads a body that comes after its headers, in pieces, cut inside a multi-byte character', async () => {
    const port = await echoServer();
    const { head, body } = post('你好，世界');
    // The first Chinese character starts after the CDATA opener: cut inside its three bytes.
    const cut = body.indexOf(Buffer.from('你')) + 1;
    const received = await exchange(port, 1, (socket) => {
      socket.write(head);
      setTimeout(() => socket.write(body.subarray(0, cut)), 30);
      setTimeout(() => socket.write(body.subarray(cut)), 60);
    });
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(received).toContain('<Content><![CDATA[echo:你好，世界]]></Content>');
    expect(flowing).toHaveLength(1);
    expect(flowing[0]).not.toBeNull(); // read as it came
  });

  it('keeps a keep-alive connection serving after a body taken from the buffer', async () => {
    const port = await echoServer();
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    for (const content of ['first', 'second', 'third']) {
      const { head, body } = post(content);
      const answer = new Promise<string>((resolve) => {
        let received = '';
        const onData = (chunk: Buffer) => {
          received += chunk.toString('utf8');
          if (received.endsWith('</xml>')) {
            socket.off('data', onData);
            resolve(received);
          }
        };
        socket.on('data', onData);
      });
      socket.write(Buffer.concat([Buffer.from(head), body]));
      expect(await answer).toContain(`<![CDATA[echo:${content}]]>`);
    }
    expect(flowing).toEqual([null, null, null]);
  });
});
