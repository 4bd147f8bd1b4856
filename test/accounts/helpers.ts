import { createServer } from 'node:http';
import type { WechatContext } from '../../middleware/state.js';
import { Client } from '../../src/core/client/client.js';
import type { TextMessage } from '../../src/core/messages/types.js';
import { listenOn } from '../contrib/listen.js';
import { readReply } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { aesDecrypt, encryptedRequest, sha1Sorted } from '../support/safe-mode.js';

export const KEY_NEW = 'NEWkeyNEWkeyNEWkeyNEWkeyNEWkeyNEWkey0123456';
export const KEY_OLD = 'OLDkeyOLDkeyOLDkeyOLDkeyOLDkeyOLDkey0123456';
export const KEY_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** A robot's `callback()` on a real port of 127.0.0.1. */
export async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close: () => Promise<void> }> {
  const listening = await listenOn(createServer(handler));
  return { url: `http://127.0.0.1:${listening.port}`, close: listening.close };
}

let nonceSeq = 0;

/** A signed query as WeChat makes it for `token`; `at` fixes the timestamp and nonce. */
export function signed(token: string, at?: { timestamp: string; nonce: string }): string {
  const timestamp = at?.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = at?.nonce ?? `n${++nonceSeq}`;
  return new URLSearchParams({
    signature: sha1Sorted(token, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'user',
  }).toString();
}

/** POSTs `body` to `url` and returns the status and the text. */
export async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', body });
  return { status: response.status, text: await response.text() };
}

/** POSTs a message encrypted with `key` for `appId`; resolves with the status and the reply text. */
export async function postEncrypted(
  base: string,
  xml: string,
  options: { token: string; key: string; appId: string; toUserName?: string },
): Promise<{ status: number; text: string; content: string | undefined }> {
  const request = encryptedRequest(xml, {
    token: options.token,
    encodingAESKey: options.key,
    appId: options.appId,
    ...(options.toUserName ? { toUserName: options.toUserName } : {}),
  });
  const { status, text } = await post(`${base}?${request.query}`, request.body);
  if (status !== 200 || text === 'success') return { status, text, content: undefined };
  const envelope = readReply(text);
  // Decrypted with the sender's key: a reply under another key fails here.
  const inner = aesDecrypt(String(envelope.Encrypt), options.key);
  const content = readReply(inner.text).Content;
  return { status, text, content: typeof content === 'string' ? content : undefined };
}

/**
 * The fake API, issuing tokens that name their AppID (`token-<appid>-<n>`), so a test can tell
 * which account's token a call carried.
 */
export async function fakeApi(): Promise<FakeWeChatApi> {
  const api = await startFakeWeChatApi();
  resetApi(api);
  return api;
}

/** Forgets the requests, back to {@link fakeApi}'s routes. */
export function resetApi(api: FakeWeChatApi): void {
  api.reset();
  let issued = 0;
  api.on('GET', '/cgi-bin/token', (req) => {
    const token = `token-${req.query.appid}-${++issued}`;
    api.validTokens.add(token);
    return { json: { access_token: token, expires_in: 7200 } };
  });
  api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
}

/** A direct account's client on the fake API (the `createClient` of the tests). */
export const clientOn =
  (api: FakeWeChatApi) =>
  (account: { appId: string; appSecret: string }): Client =>
    new Client({ appId: account.appId, appSecret: account.appSecret, baseUrl: api.url });

/**
 * The tests' handler: notes `<appId>:<content>` in `handled`; `api` sends a customer-service
 * message with the account's client, `later` defers; otherwise it counts the user's messages
 * in the session and answers `<appId> #<count>`.
 */
export function countingHandler(handled: string[]) {
  return async (ctx: WechatContext<TextMessage, { count: number }>): Promise<string> => {
    const { account, message, session } = ctx.wechat;
    handled.push(`${account.appId}:${message.content}`);
    if (message.content === 'api') {
      await ctx.wechat.client.sendTextMessage(message.source, `from ${account.appId}`);
    }
    if (message.content === 'later') {
      ctx.wechat.defer();
      return `late from ${account.appId}`;
    }
    return `${account.appId} #${++session.count}`;
  };
}
