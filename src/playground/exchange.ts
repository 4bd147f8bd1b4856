// One exchange of the playground: a message built and sent to the bot exactly as WeChat sends it,
// the answer timed, checked and opened, and everything the inspector shows about both.
import { computeSignature } from '../core/crypto/signature.js';
import { reasonOf } from '../core/errors.js';
import type { MessageType } from '../core/messages/kinds.js';
import { parseXml } from '../core/messages/xml.js';
import { buildMessageXml, type MessageInput, nextMessageId } from '../testing/message-xml.js';
import { openReply, type ParsedReply } from '../testing/reply.js';
import { buildMessageRequest, cryptFor, type WechatCredentials } from '../wechat-request.js';

/** Where the bot is and how to talk to it. */
export interface BotSettings extends WechatCredentials {
  /** The bot's URL, `http://127.0.0.1:8888/`. */
  url: string;
  /** The account's id (`ToUserName` of messages, `FromUserName` of replies). */
  account: string;
  /** How long WeChat waits for a reply, in ms (5000); a later reply is flagged. */
  budget: number;
  /** How long the playground waits for the bot at most, in ms. */
  timeout: number;
}

/** One check made on the reply, ✓ or ✗, as the inspector lists it. */
export interface Check {
  label: string;
  ok: boolean;
  detail?: string;
}

/** What the playground sent and got back, for the page. */
export interface Exchange {
  id: string;
  user: string;
  kind: MessageType;
  /** When it was sent, ms since the epoch. */
  at: number;
  /** The round trip, ms. */
  ms: number;
  /** The id of the exchange this one repeats (a WeChat retry: same MsgId). */
  replayOf?: string;
  request: {
    url: string;
    query: Record<string, string>;
    /** The message XML (before encryption). */
    xml: string;
    /** The body as sent: the XML, or the envelope with the ciphertext. */
    body: string;
    encrypted: boolean;
    messageId?: string;
  };
  reply: {
    /** HTTP status; 0 when the bot could not be reached. */
    status: number;
    /** The body as received. */
    body: string;
    /** The decrypted reply XML, when the reply came encrypted. */
    xml?: string;
    encrypted: boolean;
    /** The reply read as WeChat reads it; absent when it is invalid. */
    parsed?: ParsedReply;
  };
  checks: Check[];
  /** Why WeChat would not show the reply (empty when it would). */
  problems: string[];
}

/** What the page asks to send: a kind of the table and its fields. */
export interface SendInput {
  user: string;
  kind: MessageType;
  fields: Record<string, unknown>;
}

let lastId = 0;
let lastEventTime = 0;

/** A `CreateTime` later than the previous event's, so no dedupe takes two events for one. */
function eventTime(): number {
  lastEventTime = Math.max(Math.floor(Date.now() / 1000), lastEventTime + 1);
  return lastEventTime;
}

/** The message XML for a send: the envelope filled in, a fresh MsgId for messages. */
export function messageXml(
  bot: BotSettings,
  input: SendInput,
): { xml: string; messageId?: string } {
  const isEvent = input.kind.endsWith('_event');
  const messageId = isEvent ? undefined : nextMessageId();
  const values = {
    ...input.fields,
    source: input.user,
    target: bot.account,
    time: isEvent ? eventTime() : Math.floor(Date.now() / 1000),
    ...(messageId ? { messageId } : {}),
  } as MessageInput<MessageType>;
  return { xml: buildMessageXml(input.kind, values), ...(messageId ? { messageId } : {}) };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return text(value[0]);
  return undefined;
}

/** The checks of an encrypted envelope's signature, made here so the inspector can show them. */
function envelopeChecks(body: string, token: string): Check[] {
  try {
    const envelope = parseXml(body);
    const encrypt = text(envelope.Encrypt);
    if (encrypt === undefined) return [];
    const got = text(envelope.MsgSignature) ?? '';
    const expected = computeSignature(
      token,
      text(envelope.TimeStamp) ?? '',
      text(envelope.Nonce) ?? '',
      encrypt,
    );
    return [
      {
        label: 'reply MsgSignature 回复签名',
        ok: got === expected,
        detail: got === expected ? got : `got ${got || '(none)'}, expected ${expected}`,
      },
    ];
  } catch {
    return [];
  }
}

/**
 * Sends a message XML to the bot as WeChat does, times the answer and checks it: HTTP status,
 * signature and decryption of an encrypted reply, valid reply XML, who it is from and to, and
 * the round trip against WeChat's budget.
 */
export async function exchange(
  bot: BotSettings,
  input: { user: string; kind: MessageType; xml: string; messageId?: string; replayOf?: string },
): Promise<Exchange> {
  const crypt = cryptFor(bot);
  const request = buildMessageRequest(bot, input.xml, crypt ? { crypt } : {});
  const url = new URL(bot.url);
  for (const [name, value] of request.query) url.searchParams.set(name, value);
  const checks: Check[] = [];
  const problems: string[] = [];
  const at = Date.now();
  const started = performance.now();
  let status = 0;
  let body = '';
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body ?? '',
      signal: AbortSignal.timeout(bot.timeout),
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    problems.push(`the bot could not be reached 无法连接机器人: ${reasonOf(error)}`);
  }
  const ms = Math.round(performance.now() - started);

  const reply: Exchange['reply'] = { status, body, encrypted: false };
  if (status !== 0) {
    checks.push({ label: 'HTTP 200', ok: status === 200, detail: `HTTP ${status}` });
    if (status !== 200)
      problems.push(`the bot answered HTTP ${status} 机器人返回了 HTTP ${status}`);
  }
  if (status === 200) {
    if (crypt) checks.push(...envelopeChecks(body, bot.token));
    try {
      const opened = openReply(body, { crypt });
      reply.parsed = opened.reply;
      reply.encrypted = opened.encrypted;
      if (opened.encrypted && opened.reply.type !== 'success') reply.xml = opened.reply.raw;
      checks.push({
        label: 'reply XML 回复格式',
        ok: true,
        detail: opened.reply.type === 'success' ? 'no reply (success)' : opened.reply.type,
      });
      if (opened.reply.type !== 'success') {
        const { target, source } = opened.reply;
        const toOk = target === input.user;
        checks.push({ label: 'ToUserName = the user', ok: toOk, detail: target || '(empty)' });
        if (!toOk) {
          problems.push(
            `wrong ToUserName 回复的 ToUserName 不是该用户: "${target}", expected "${input.user}"`,
          );
        }
        const fromOk = source === bot.account;
        checks.push({
          label: 'FromUserName = the account',
          ok: fromOk,
          detail: source || '(empty)',
        });
        if (!fromOk) {
          problems.push(
            `wrong FromUserName 回复的 FromUserName 不是公众号: "${source}", expected "${bot.account}"`,
          );
        }
      }
    } catch (error) {
      problems.push(`invalid reply 无效的回复: ${reasonOf(error)}`);
    }
  }
  if (status !== 0) {
    const inTime = ms <= bot.budget;
    checks.push({
      label: `round trip ≤ ${bot.budget / 1000} s 往返时间`,
      ok: inTime,
      detail: `${ms} ms`,
    });
    if (!inTime) {
      problems.push(
        `later than ${bot.budget / 1000} s 超过 ${bot.budget / 1000} 秒 (${ms} ms): WeChat has given up on this reply and retries`,
      );
    }
  }

  return {
    id: String(++lastId),
    user: input.user,
    kind: input.kind,
    at,
    ms,
    ...(input.replayOf ? { replayOf: input.replayOf } : {}),
    request: {
      url: url.href,
      query: Object.fromEntries(request.query),
      xml: input.xml,
      body: request.body ?? '',
      encrypted: request.encrypted,
      ...(input.messageId ? { messageId: input.messageId } : {}),
    },
    reply,
    checks,
    problems,
  };
}
