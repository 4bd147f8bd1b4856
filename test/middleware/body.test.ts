import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { Middleware } from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_TIMEOUT } from '../../middleware/body.js';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { appOf, botApp, expectNoStackTrace, readReply, recordingLogger } from './helpers.js';

const echo = () => new Router().text((ctx) => `got ${ctx.wechat.message.content.length}`);

/** An upstream body parser that already consumed the stream and left the body on the request. */
function upstream(set: (request: Record<string, unknown>, text: string) => void): Middleware {
  return async (ctx, next) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    set(ctx.request as unknown as Record<string, unknown>, Buffer.concat(chunks).toString('utf8'));
    await next();
  };
}

function withUpstream(set: (request: Record<string, unknown>, text: string) => void) {
  return appOf(
    upstream(set),
    pipeline({ token: TOKEN, routes: echo(), sessionStorage: false, logger: silentLogger }),
  );
}

describe('the request body', () => {
  it('a body within the default 1 MiB limit is read', async () => {
    const content = 'x'.repeat(512 * 1024);
    const res = await request(botApp({ token: TOKEN, routes: echo() }).callback())
      .post(`/?${signedQuery()}`)
      .send(textXml(content));
    expect(res.status).toBe(200);
    expect(readReply(res.text).Content).toBe(`got ${content.length}`);
  });

  it('a body over the default 1 MiB limit → 413', async () => {
    const res = await request(botApp({ token: TOKEN, routes: echo() }).callback())
      .post(`/?${signedQuery()}`)
      .type('xml')
      .send(textXml('x'.repeat(1024 * 1024)));
    expect(res.status).toBe(413);
    expectNoStackTrace(res.text);
  });

  it('bodyLimit is configurable, and counts bytes, not characters', async () => {
    const app = botApp({ token: TOKEN, routes: echo(), bodyLimit: 500 });
    const ascii = textXml('a'.repeat(200));
    expect(Buffer.byteLength(ascii)).toBeLessThan(500);
    expect((await request(app.callback()).post(`/?${signedQuery()}`).send(ascii)).status).toBe(200);
    // 100 CJK characters are 300 bytes in UTF-8: fewer than 500 characters, more than 500 bytes.
    const cjk = textXml('字'.repeat(100));
    expect(cjk.length).toBeLessThan(500);
    expect((await request(app.callback()).post(`/?${signedQuery()}`).send(cjk)).status).toBe(413);
  });

  it('an empty body → 400', async () => {
    const res = await request(botApp({ token: TOKEN, routes: echo() }).callback())
      .post(`/?${signedQuery()}`)
      .send('');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/empty/);
  });

  it('a whitespace-only body → 400', async () => {
    const res = await request(botApp({ token: TOKEN, routes: echo() }).callback())
      .post(`/?${signedQuery()}`)
      .send('  \n ');
    expect(res.status).toBe(400);
  });

  it('pre-read by an upstream parser as ctx.request.rawBody (string)', async () => {
    const app = withUpstream((req, text) => {
      req.rawBody = text;
      req.body = { parsed: true };
    });
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('abc'));
    expect(readReply(res.text).Content).toBe('got 3');
  });

  it('pre-read as a Buffer ctx.request.body', async () => {
    const app = withUpstream((req, text) => {
      req.body = Buffer.from(text, 'utf8');
    });
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('你好'));
    expect(readReply(res.text).Content).toBe('got 2');
  });

  it('pre-read as a string ctx.request.body', async () => {
    const app = withUpstream((req, text) => {
      req.body = text;
    });
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('abcd'));
    expect(readReply(res.text).Content).toBe('got 4');
  });

  it('a stream consumed upstream with only an object left → 400, not a hang', async () => {
    const app = withUpstream((req) => {
      req.body = { parsed: true };
    });
    const res = await request(app.callback())
      .post(`/?${signedQuery()}`)
      .timeout(5000)
      .send(textXml('abc'));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/another body parser read the request/);
  });

  it('a pre-read body over the limit → 413 as well', async () => {
    const app = appOf(
      upstream((req, text) => {
        req.rawBody = text;
      }),
      pipeline({
        token: TOKEN,
        routes: echo(),
        sessionStorage: false,
        logger: silentLogger,
        bodyLimit: 50,
      }),
    );
    const res = await request(app.callback()).post(`/?${signedQuery()}`).send(textXml('abc'));
    expect(res.status).toBe(413);
  });
});

describe('the body timeout (bodyTimeout)', () => {
  /** robot.callback() in a plain node:http server of the user's, with Node's lax defaults. */
  async function userServer(bodyTimeout?: number) {
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: false,
      logger: silentLogger,
      ...(bodyTimeout === undefined ? {} : { bodyTimeout }),
    });
    robot.text((ctx) => ctx.wechat.message.content);
    const server = createServer(robot.callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { robot, server, port: (server.address() as AddressInfo).port };
  }

  /** Sends headers and the start of a body, then a byte every 100 ms; the answer and close time. */
  function trickle(port: number) {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', () => {});
    const timer = setInterval(() => socket.writable && socket.write('x'), 100);
    socket.write(
      `POST /?${signedQuery()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000\r\n\r\n<xml>`,
    );
    const started = Date.now();
    return new Promise<{ answer: string; after: number }>((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, after: Date.now() - started });
      }),
    );
  }

  it('a body still trickling in after bodyTimeout → 408, and the connection is dropped', async () => {
    const { server, port } = await userServer(500);
    try {
      const { answer, after } = await trickle(port);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expectNoStackTrace(answer);
      expect(after).toBeGreaterThanOrEqual(450);
      expect(after).toBeLessThan(2_000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a body that arrives in time is answered as usual', async () => {
    const { server, port } = await userServer(500);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/?${signedQuery()}`, {
        method: 'POST',
        body: textXml('on time'),
      });
      expect(res.status).toBe(200);
      expect(readReply(await res.text()).Content).toBe('on time');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('defaults to 10 s; pipeline() takes it too', async () => {
    expect(DEFAULT_BODY_TIMEOUT).toBe(10_000);
    expect(new ZgRoBot({ token: TOKEN, logger: silentLogger }).config.bodyTimeout).toBe(10_000);
    const server = createServer(botApp({ routes: echo(), bodyTimeout: 300 }).callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { answer, after } = await trickle((server.address() as AddressInfo).port);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(after).toBeLessThan(1_500);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('reading the body off the socket (robot.callback())', () => {
  async function server(logger = silentLogger) {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger });
    robot.text((ctx) => ctx.wechat.message.content);
    const listening = createServer(robot.callback());
    listening.listen(0, '127.0.0.1');
    await once(listening, 'listening');
    return { listening, port: (listening.address() as AddressInfo).port };
  }

  /** Writes a raw request in pieces of `size` bytes, `gap` ms apart; resolves with the answer. */
  function sendInPieces(port: number, head: string, body: Buffer, size: number, gap = 5) {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', () => {});
    return new Promise<string>((resolve) => {
      socket.on('connect', async () => {
        socket.write(head);
        for (let at = 0; at < body.length; at += size) {
          socket.write(body.subarray(at, at + size));
          await new Promise((r) => setTimeout(r, gap));
        }
      });
      socket.on('data', () => {
        if (/\r\n\r\n/.test(answer) && answer.includes('</xml>')) {
          socket.end();
          resolve(answer);
        }
      });
    });
  }

  it('a body that arrives in pieces, characters split between them, is read whole', async () => {
    const { listening, port } = await server();
    try {
      const content = '你好，微信 ✓ 😀'.repeat(20);
      const body = Buffer.from(textXml(content));
      const head = `POST /?${signedQuery()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n`;
      const answer = await sendInPieces(port, head, body, 7);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(readReply(answer.slice(answer.indexOf('<xml>'))).Content).toBe(content);
    } finally {
      listening.closeAllConnections();
      listening.close();
    }
  });

  it('a chunked body (no Content-Length) is read as well', async () => {
    const { listening, port } = await server();
    try {
      const body = Buffer.from(textXml('chunked 你好'));
      const chunks = `${body.subarray(0, 10).length.toString(16)}\r\n${body.subarray(0, 10)}\r\n${body.subarray(10).length.toString(16)}\r\n${body.subarray(10)}\r\n0\r\n\r\n`;
      const head = `POST /?${signedQuery()} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const answer = await sendInPieces(port, head, Buffer.from(chunks), 1000);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(readReply(answer.slice(answer.indexOf('<xml>'))).Content).toBe('chunked 你好');
    } finally {
      listening.closeAllConnections();
      listening.close();
    }
  });

  it('a client that hangs up mid-body ends the request at once (400, logged), not at bodyTimeout', async () => {
    const logger = recordingLogger();
    const { listening, port } = await server(logger);
    try {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(
        `POST /?${signedQuery()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n<xml>`,
      );
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      socket.destroy();
      while (!logger.entries.some((e) => e.msg === 'zgrobot: refused a request')) {
        expect(Date.now() - started).toBeLessThan(2_000);
        await new Promise((r) => setTimeout(r, 20));
      }
      const refused = logger.entries.find((e) => e.msg === 'zgrobot: refused a request');
      expect(String(refused?.err)).toMatch(/could not read the request body/);
    } finally {
      listening.closeAllConnections();
      listening.close();
    }
  });
});
