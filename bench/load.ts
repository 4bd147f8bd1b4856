// One autocannon run in its own process, so the load generator does not share an event loop
// with the server under test. Prints one JSON line with the results.

import { createHash } from 'node:crypto';
import autocannon from 'autocannon';
import { MessageCrypt } from '../src/crypto/message-crypt.js';
import { AES_KEY, APP_ID, TOKEN } from './scenarios.js';

const [port, encrypted, seconds, connections] = [
  Number(process.argv[2]),
  process.argv[3] === 'encrypted',
  Number(process.argv[4] ?? 10),
  Number(process.argv[5] ?? 50),
];

const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');
const crypt = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID });

// Distinct messages from 1000 users, so sessions and dedup see realistic keys. Every request is a
// new message (its own MsgId): a repeated MsgId would be answered from the dedup cache as a retry.
const MSG_ID_BASE = BigInt(Date.now()) * 1_000_000n;
const requestFor = (i: number) => {
  const timestamp = String(1_700_000_000 + (i % 4096));
  const nonce = String(100_000 + i);
  const xml =
    `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[user_${i % 1000}]]></FromUserName>` +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 zgrobot ${i}]]></Content>` +
    `<MsgId>${MSG_ID_BASE + BigInt(i)}</MsgId></xml>`;
  const query = new URLSearchParams({
    signature: sha1(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    openid: `user_${i % 1000}`,
  });
  if (!encrypted) return { path: `/?${query}`, body: xml };
  const encrypt = crypt.encrypt(xml);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', sha1(TOKEN, timestamp, nonce, encrypt));
  return {
    path: `/?${query}`,
    body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
};

let next = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  method: 'POST',
  headers: { 'content-type': 'text/xml' },
  requests: [
    {
      setupRequest: (request) => {
        const r = requestFor(next++);
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
  })}\n`,
);
