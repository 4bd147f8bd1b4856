import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import type { WechatContext } from '../../middleware/state.js';
import type { AnyMessage } from '../../src/core/messages/types.js';
import type { ReplyValue } from '../../src/core/replies/coerce.js';
import {
  Article,
  ArticlesReply,
  ImageReply,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from '../../src/core/replies/replies.js';
import { ZgRoBot } from '../../src/robot.js';
import { appOf, expectNoStackTrace, recordingLogger } from '../middleware/helpers.js';
import { aesDecrypt, aesEncrypt, sha1Sorted } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, TOKEN } from '../support/wechat.js';
import { anyString, check, mutated, validMessage, xmlish } from './support.js';

/** Each request gives up after this long: a hang fails the run, well inside the test's budget. */
const CLIENT_TIMEOUT_MS = 5000;
const HOSTILE_RUNS = 200;
const VALID_RUNS = 80;
/** Generous: ~3 requests a run, each a few ms; on a slow 2-core machine still far below this. */
const PROPERTY_BUDGET_MS = 90_000;

// ---------------------------------------------------------------------------------------------
// The bots
// ---------------------------------------------------------------------------------------------

/** Text that has broken reply writers: CDATA ends, XML-illegal characters, markup. */
const HOSTILE =
  ']]>]]]]><![CDATA[\u0000\u0001\u001f\ud800\udfff\ufffe</xml><xml>&amp;&#0;<!--x--><?pi?>\r\n😀';

/** Every kind of reply (and some non-replies), chosen by the message, its text made hostile. */
function hostileReply(ctx: WechatContext): unknown {
  const message: AnyMessage = ctx.wechat.message;
  const text = `${HOSTILE}${message.raw.slice(0, 200)}${HOSTILE}`;
  let pick = 0;
  for (const ch of message.raw) pick = (pick * 31 + (ch.codePointAt(0) ?? 0)) % 1_000_003;
  const m = { message };
  const replies: (() => unknown)[] = [
    () => new TextReply({ ...m, content: text }),
    () => new ImageReply({ ...m, mediaId: text }),
    () => new VoiceReply({ ...m, mediaId: text }),
    () => new VideoReply({ ...m, mediaId: text, title: text, description: text }),
    () => new VideoReply({ ...m, mediaId: text }),
    () =>
      new ArticlesReply({
        ...m,
        articles: Array.from(
          { length: 8 },
          () => new Article({ title: text, description: text, img: text, url: text }),
        ),
      }),
    () => new MusicReply({ ...m, title: text, description: text, url: text, thumbMediaId: text }),
    () => new TransferCustomerServiceReply({ ...m, account: text }),
    () => new TransferCustomerServiceReply(m),
    () => new SuccessReply(),
    () => text,
    () => [[text, text, text, text]],
    () => [text, text, text],
    () => [text, text, text, text],
    // Addressed by hand with hostile names, not from the message.
    () => new TextReply({ source: text, target: text, time: 1e20, content: text }),
    // The shorthands from an untyped (JS, JSON-fed) handler: a number or null in an article or
    // a music list. Not replies: refused and logged by the render stage, answered `success`.
    () => [[text, 42, null, text]] as unknown,
    () => [[null, text, text, text]] as unknown,
    () => [text, text, 7] as unknown,
    // Not replies: "no reply here", or values the render stage must refuse (logged, `success`).
    () => undefined,
    () => '',
    () => 42,
    () => ({ content: text }),
    () => {
      throw new Error(`handler failure at /work/secret.ts:1:2 ${text}`);
    },
    // More than 8 articles: a RangeError inside the handler.
    () =>
      new ArticlesReply({
        ...m,
        articles: Array.from({ length: 9 }, () => new Article({ title: text })),
      }),
  ];
  return (replies[pick % replies.length] ?? replies[0])?.();
}

/** Echoes a text message's content, anything else its raw XML. */
const echoRoutes = () =>
  new Router().text((ctx) => ctx.wechat.message.content).handler((ctx) => ctx.wechat.message.raw);

interface Bot {
  name: string;
  url: string;
  /** Configured with an EncodingAESKey (safe mode possible). */
  keyed: boolean;
  echo: boolean;
  logger: ReturnType<typeof recordingLogger>;
  server: Server;
}

const bots: Bot[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

async function listen(
  name: string,
  handler: Parameters<typeof createServer>[1],
  info: Omit<Bot, 'url' | 'server' | 'name'>,
): Promise<void> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bots.push({ name, url, server, ...info });
}

async function startBots(): Promise<void> {
  const base = { token: TOKEN, sessionStorage: false as const };
  const keys = { appId: APP_ID, encodingAESKey: AES_KEY };
  {
    const logger = recordingLogger();
    const app = appOf(pipeline({ ...base, routes: echoRoutes(), logger }));
    await listen('echo (no key)', app.callback(), { keyed: false, echo: true, logger });
  }
  {
    const logger = recordingLogger();
    const app = appOf(pipeline({ ...base, ...keys, routes: echoRoutes(), logger }));
    await listen('echo (key)', app.callback(), { keyed: true, echo: true, logger });
  }
  {
    const logger = recordingLogger();
    const routes = new Router().handler((ctx) => hostileReply(ctx) as ReplyValue);
    const app = appOf(pipeline({ ...base, ...keys, routes, logger }));
    await listen('every reply kind (key)', app.callback(), { keyed: true, echo: false, logger });
  }
  {
    // The robot's own callback(), as a user mounts it: its Koa app and its error listener.
    const logger = recordingLogger();
    const robot = new ZgRoBot({ ...base, ...keys, logger });
    robot.handler((ctx) => hostileReply(ctx) as ReplyValue);
    await listen('ZgRoBot callback()', robot.callback(), { keyed: true, echo: false, logger });
  }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

interface Sent {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

function send(bot: Bot, req: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = `${bot.url}${req.path}${req.query ? `?${req.query}` : ''}`;
    const out = request(
      url,
      {
        method: req.method,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
        agent,
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    out.on('error', (error) =>
      reject(new Error(`${bot.name}: ${req.method} ${url} failed: ${error.message}`)),
    );
    out.end(req.body);
  });
}

/** What the query carries; signed ones are signed when sent, with the current time. */
type QuerySpec =
  | { kind: 'raw'; text: string }
  | {
      kind: 'signed';
      /** A timestamp an hour old: refused once the ±5 minute check lands, accepted before. */
      stale: boolean;
      nonce: string;
      echostr: string | undefined;
      /** `valid`: msg_signature over the body's Encrypt; `random`: 40 wrong hex digits. */
      aes: 'no' | 'valid' | 'random' | 'missing' | 'other-type';
      extra: [string, string][];
    };

type BodySpec =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string }
  | {
      kind: 'envelope';
      inner: string;
      compatible: boolean;
      /** Replaces the Encrypt value (after encryption): garbage that is still signed. */
      encrypt: string | undefined;
      /** Breaks the envelope XML around a good Encrypt. */
      wrap: 'none' | 'no-root' | 'two-encrypts' | 'empty-encrypt' | 'nested';
    };

interface RequestSpec {
  method: string;
  path: string;
  contentType: string | undefined;
  extraHeader: [string, string] | undefined;
  query: QuerySpec;
  body: BodySpec;
}

const queryKey = fc.constantFrom(
  'signature',
  'timestamp',
  'nonce',
  'echostr',
  'encrypt_type',
  'msg_signature',
  'openid',
  'a',
);

/** A query signed with the token (when sent, at the current time), `aes` as given. */
function signedQuery(
  aes: fc.Arbitrary<'no' | 'valid' | 'random' | 'missing' | 'other-type'>,
): fc.Arbitrary<QuerySpec> {
  return fc.record({
    kind: fc.constant('signed' as const),
    stale: fc.boolean(),
    nonce: fc.oneof(
      fc.stringMatching(/^[0-9]{1,10}$/),
      anyString.filter((s) => s !== ''),
    ),
    echostr: fc.option(anyString, { nil: undefined }),
    aes,
    extra: fc.array(
      fc.tuple(fc.constantFrom('openid', 'a', 'signature', 'encrypt_type'), anyString),
      { maxLength: 2 },
    ),
  });
}

const querySpec: fc.Arbitrary<QuerySpec> = fc.oneof(
  fc
    .oneof(
      fc
        .array(fc.tuple(queryKey, anyString), { maxLength: 6 })
        .map((pairs) => new URLSearchParams(pairs).toString()),
      // Unencoded junk and broken percent-escapes (no spaces or '#': the client refuses those).
      fc.stringMatching(/^[A-Za-z0-9=&%_.~!*'();:@+$,/?[\]-]{0,60}$/),
      fc.constantFrom('%', '%zz', '%E0%A4%A', 'signature[]=a&timestamp[]=1', '&&&==', 'a=%00'),
    )
    .map((text) => ({ kind: 'raw' as const, text })),
  signedQuery(fc.constantFrom('no', 'valid', 'valid', 'random', 'missing', 'other-type')),
);

const innerXml = fc.oneof(
  validMessage().map((m) => m.xml),
  mutated(validMessage().map((m) => m.xml)),
  xmlish,
);

const envelopeBody: fc.Arbitrary<BodySpec> = fc.record({
  kind: fc.constant('envelope' as const),
  inner: innerXml,
  compatible: fc.boolean(),
  // Mostly the real ciphertext of `inner`; else signed garbage or another account's message.
  encrypt: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        anyString,
        fc.base64String({ maxLength: 120 }),
        fc.constant(aesEncrypt('<xml/>', AES_KEY, 'wx_other')),
      ),
    },
  ),
  wrap: fc.constantFrom(
    'none',
    'none',
    'none',
    'no-root',
    'two-encrypts',
    'empty-encrypt',
    'nested',
  ),
});

const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('text' as const), text: fc.oneof(anyString, xmlish) }),
  fc.record({ kind: fc.constant('text' as const), text: innerXml }),
  envelopeBody,
);

const wildRequest: fc.Arbitrary<RequestSpec> = fc.record({
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('POST') },
    { weight: 2, arbitrary: fc.constant('GET') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO'),
    },
  ),
  path: fc.constantFrom('/', '/wechat', '/%', '/..%2f..%2fetc', '/a/b?', '/%E4%BD%A0'),
  contentType: fc.option(
    fc.constantFrom(
      'text/xml',
      'application/xml; charset=utf-8',
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain; charset=gbk',
      'application/octet-stream',
      '\u00e9/\u00e9',
    ),
    { nil: undefined },
  ),
  extraHeader: fc.option(
    fc.constantFrom<[string, string]>(
      ['content-encoding', 'gzip'],
      ['content-encoding', 'deflate'],
      ['transfer-encoding', 'chunked'],
      ['expect', '100-continue'],
      ['accept', 'application/json'],
      ['x-forwarded-for', '1.2.3.4'],
    ),
    { nil: undefined },
  ),
  query: querySpec,
  body: bodySpec,
});

/**
 * Requests that get past the signature check: a signed POST carrying a (mutated) message, or an
 * envelope with a good msg_signature. Without these few hostile requests would reach a handler.
 */
const deepRequest: fc.Arbitrary<RequestSpec> = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/'),
    contentType: fc.constant('text/xml'),
    extraHeader: fc.constant(undefined),
    query: signedQuery(fc.constant('no')),
    body: fc.record({ kind: fc.constant('text' as const), text: innerXml }),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/'),
    contentType: fc.constant('text/xml'),
    extraHeader: fc.constant(undefined),
    query: signedQuery(fc.constant('valid')),
    body: envelopeBody,
  }),
);

const requestSpec: fc.Arbitrary<RequestSpec> = fc.oneof(
  { weight: 2, arbitrary: wildRequest },
  { weight: 3, arbitrary: deepRequest },
);

/** The `<Encrypt>` value, XML-escaped for a CDATA-free element. */
function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Turns a spec into bytes and a freshly signed query. */
function build(spec: RequestSpec): { sent: Sent; encryptedQuery: boolean; echostr?: string } {
  let body: Buffer;
  let encrypt = '';
  switch (spec.body.kind) {
    case 'bytes':
      body = Buffer.from(spec.body.bytes);
      break;
    case 'text':
      body = Buffer.from(spec.body.text, 'utf8');
      break;
    case 'envelope': {
      const b = spec.body;
      encrypt = b.encrypt ?? aesEncrypt(b.inner, AES_KEY, APP_ID);
      const head = b.compatible
        ? b.inner.replace(/^<xml>|<\/xml>$/g, '')
        : '<ToUserName><![CDATA[gh_account]]></ToUserName>';
      const enc = `<Encrypt>${escapeXml(encrypt)}</Encrypt>`;
      const inner =
        b.wrap === 'two-encrypts'
          ? `${head}${enc}${enc}`
          : b.wrap === 'empty-encrypt'
            ? `${head}<Encrypt></Encrypt>`
            : b.wrap === 'nested'
              ? `${head}<Encrypt><x>${escapeXml(encrypt)}</x></Encrypt>`
              : `${head}${enc}`;
      body = Buffer.from(b.wrap === 'no-root' ? inner : `<xml>${inner}</xml>`, 'utf8');
      break;
    }
  }

  const headers: Record<string, string> = {};
  if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
  if (spec.extraHeader) {
    const [name, value] = spec.extraHeader;
    // Content-Length is always sent; a second framing header would be a client-side error.
    if (name !== 'transfer-encoding') headers[name] = value;
  }

  const q = spec.query;
  if (q.kind === 'raw') {
    return {
      sent: { method: spec.method, path: spec.path, query: q.text, headers, body },
      encryptedQuery: false,
    };
  }
  const now = Math.floor(Date.now() / 1000);
  const timestamp = String(q.stale ? now - 3600 : now);
  const params = new URLSearchParams({
    signature: sha1Sorted(TOKEN, timestamp, q.nonce),
    timestamp,
    nonce: q.nonce,
    openid: 'user_openid',
  });
  if (q.echostr !== undefined) params.set('echostr', q.echostr);
  if (q.aes !== 'no') {
    params.set('encrypt_type', q.aes === 'other-type' ? 'AES' : 'aes');
    if (q.aes === 'valid')
      params.set('msg_signature', sha1Sorted(TOKEN, timestamp, q.nonce, encrypt));
    if (q.aes === 'random' || q.aes === 'other-type') params.set('msg_signature', 'f'.repeat(40));
  }
  for (const [k, v] of q.extra) params.append(k, v);
  const encryptTypes = params.getAll('encrypt_type');
  return {
    sent: { method: spec.method, path: spec.path, query: params.toString(), headers, body },
    encryptedQuery: encryptTypes.length === 1 && encryptTypes[0] === 'aes',
    echostr:
      params.getAll('echostr').length === 1 ? (params.get('echostr') ?? undefined) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// What every answer must look like
// ---------------------------------------------------------------------------------------------

const reader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

function validXml(text: string, what: string): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  expect(valid, `${what} is not well-formed XML: ${JSON.stringify(valid)}\n${text}`).toBe(true);
  const doc = reader.parse(text) as { xml?: unknown };
  expect(typeof doc.xml, `${what} has no <xml> root:\n${text}`).toBe('object');
  return doc.xml as Record<string, unknown>;
}

function expectReplyXml(xml: Record<string, unknown>, text: string): void {
  for (const name of ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType']) {
    expect(xml[name], `reply without <${name}>:\n${text}`).toBeDefined();
  }
}

/** Opens an encrypted reply (PROTOCOL.md §2) and returns the inner reply XML text. */
function openEnvelope(xml: Record<string, unknown>, text: string): string {
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = xml as Record<string, string>;
  expect(typeof Encrypt, text).toBe('string');
  expect(TimeStamp, text).toMatch(/^\d+$/);
  expect(MsgSignature, text).toBe(sha1Sorted(TOKEN, TimeStamp ?? '', Nonce ?? '', Encrypt ?? ''));
  const opened = aesDecrypt(Encrypt ?? '', AES_KEY);
  expect(opened.appId).toBe(APP_ID);
  return opened.text;
}

const STACK_PATTERNS = [
  /\n\s+at /,
  /at .*\(.*:\d+:\d+\)/,
  /\/work\/|node_modules|file:\/\/|\.ts:\d+/,
];

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * No stack trace or path in the answer. The bots echo what they are sent, so a request that
 * itself carries such text (vanishingly rare from these generators) is not held against them.
 */
function expectNoLeak(answer: Answer, sent: Sent): void {
  const echoed = [
    sent.query,
    safeDecode(sent.query),
    sent.body.toString('utf8'),
    sent.body.toString('latin1'),
  ].join('\n');
  if (STACK_PATTERNS.some((p) => p.test(echoed))) return;
  expectNoStackTrace(answer.text);
}

/** Log lines (from entry `from` on) that mean an error escaped to the error boundary or Koa. */
function unexpectedErrors(bot: Bot, from = 0): string[] {
  return bot.logger.entries
    .slice(from)
    .filter((e) => e.level === 'error' && /error while answering|server error/.test(e.msg))
    .map((e) => `${e.msg}: ${e.err instanceof Error ? e.err.stack : String(e.err)}`);
}

/** How the answers fell out, per bot: printed with FUZZ_STATS=1, to see the fuzz goes deep. */
const tally = new Map<string, number>();
function count(bot: Bot, sent: Sent, answer: Answer): void {
  const kind =
    answer.status !== 200
      ? String(answer.status)
      : sent.method !== 'POST'
        ? `200 ${sent.method}`
        : answer.text === '' || answer.text === 'success'
          ? `200 ${answer.text || 'empty'}`
          : answer.text.includes('<Encrypt>')
            ? '200 encrypted reply'
            : '200 reply';
  const key = `${bot.name}: ${kind}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

async function expectSaneAnswer(
  bot: Bot,
  spec: RequestSpec,
): Promise<{ answer: Answer; sent: Sent; encryptedQuery: boolean }> {
  const { sent, encryptedQuery, echostr } = build(spec);
  const logged = bot.logger.entries.length;
  const answer = await send(bot, sent);
  count(bot, sent, answer);
  const what = `${bot.name}: ${sent.method} ?${sent.query}`;
  expect(answer.status, `${what} → ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(
    500,
  );
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expectNoLeak(answer, sent);
  expect(unexpectedErrors(bot, logged), what).toEqual([]);
  if (answer.status !== 200) return { answer, sent, encryptedQuery };

  if (sent.method === 'HEAD') {
    expect(answer.text).toBe('');
  } else if (sent.method === 'GET') {
    // The URL check: only a signed GET gets past verify(), and it gets its echostr back.
    expect([echostr ?? '', ''], what).toContain(answer.text);
  } else if (answer.text !== '' && answer.text !== 'success') {
    const xml = validXml(answer.text, what);
    if (encryptedQuery) {
      // A request that came encrypted gets an encrypted reply (PROTOCOL.md §2).
      expect(xml.Encrypt, `${what}: plaintext reply to an encrypted request`).toBeDefined();
      const inner = openEnvelope(xml, answer.text);
      expectReplyXml(validXml(inner, `${what} (decrypted)`), inner);
    } else {
      expect(xml.Encrypt, `${what}: encrypted reply to a plaintext request`).toBeUndefined();
      expectReplyXml(xml, answer.text);
    }
  }
  return { answer, sent, encryptedQuery };
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: the HTTP pipeline behind a listening server', () => {
  beforeAll(startBots);
  afterAll(async () => {
    if (process.env.FUZZ_STATS)
      console.log(
        [...tally]
          .sort()
          .map(([k, n]) => `${n}\t${k}`)
          .join('\n'),
      );
    agent.destroy();
    for (const bot of bots) {
      bot.server.closeAllConnections();
      await new Promise<void>((resolve) => bot.server.close(() => resolve()));
    }
  });

  it(
    'hostile requests (methods, queries, content types, bodies): never a 5xx, a leak or a malformed 200',
    async () => {
      await check(
        fc.asyncProperty(requestSpec, async (spec) => {
          for (const bot of bots) await expectSaneAnswer(bot, spec);
        }),
        HOSTILE_RUNS,
      );
    },
    PROPERTY_BUDGET_MS,
  );

  it(
    'valid messages of every kind, plain and encrypted: 200 with a well-formed reply (403 allowed for plaintext to a keyed bot)',
    async () => {
      const spec = fc.record({
        message: validMessage(),
        encrypted: fc.boolean(),
        compatible: fc.boolean(),
      });
      await check(
        fc.asyncProperty(spec, async ({ message, encrypted, compatible }) => {
          for (const bot of bots) {
            const asEncrypted = encrypted && bot.keyed;
            const request: RequestSpec = {
              method: 'POST',
              path: '/',
              contentType: 'text/xml',
              extraHeader: undefined,
              query: {
                kind: 'signed',
                stale: false,
                nonce: String(Math.floor(Math.random() * 1e9)),
                echostr: undefined,
                aes: asEncrypted ? 'valid' : 'no',
                extra: [],
              },
              body: asEncrypted
                ? {
                    kind: 'envelope',
                    inner: message.xml,
                    compatible,
                    encrypt: undefined,
                    wrap: 'none',
                  }
                : { kind: 'text', text: message.xml },
            };
            const { answer } = await expectSaneAnswer(bot, request);
            // Safe mode may refuse plaintext with 403 when a key is configured; nothing else.
            if (bot.keyed && !asEncrypted) expect([200, 403]).toContain(answer.status);
            else expect(answer.status, answer.text).toBe(200);
            if (answer.status !== 200 || !bot.echo || message.type !== 'text') continue;
            const content = message.fields.find((f) => f.name === 'content')?.expected;
            if (typeof content !== 'string' || content === '') continue;
            const xmlText = asEncrypted
              ? openEnvelope(validXml(answer.text, bot.name), answer.text)
              : answer.text;
            expect(validXml(xmlText, bot.name).Content, bot.name).toBe(content);
          }
        }),
        VALID_RUNS,
      );
    },
    PROPERTY_BUDGET_MS,
  );

  it('after the runs every server is up and answers a normal message', async () => {
    for (const bot of bots) {
      const content = `still up ${bot.name}`;
      const xml =
        '<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[user]]></FromUserName>' +
        `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
        `<Content><![CDATA[${content}]]></Content><MsgId>${Date.now()}${bots.indexOf(bot)}</MsgId></xml>`;
      const { answer } = await expectSaneAnswer(bot, {
        method: 'POST',
        path: '/',
        contentType: 'text/xml',
        extraHeader: undefined,
        query: {
          kind: 'signed',
          stale: false,
          nonce: '12345',
          echostr: undefined,
          aes: bot.keyed ? 'valid' : 'no',
          extra: [],
        },
        body: bot.keyed
          ? { kind: 'envelope', inner: xml, compatible: false, encrypt: undefined, wrap: 'none' }
          : { kind: 'text', text: xml },
      });
      expect(answer.status, bot.name).toBe(200);
      expect(unexpectedErrors(bot)).toEqual([]);
      // The hostile bots may well answer `success` to this one; the echo bots echo it.
      if (!bot.echo) continue;
      const body = bot.keyed
        ? openEnvelope(validXml(answer.text, bot.name), answer.text)
        : answer.text;
      expect(validXml(body, bot.name).Content).toBe(content);
    }
  });
});
