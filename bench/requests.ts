// The requests of the load generators (bench/load.ts, bench/soak.ts): message `i`, signed (and
// encrypted) exactly as WeChat sends it, with the builders of `zgrobot/testing`.
import type { MessageCrypt } from '../src/core/crypto/message-crypt.js';
import { buildMessageXml } from '../src/testing/message-xml.js';
import { buildMessageRequest, type WechatCredentials } from '../src/wechat-request.js';

/** What {@link benchRequest} signs with and who sends message `i`. */
export interface BenchRequestOptions {
  credentials: WechatCredentials;
  crypt?: MessageCrypt;
  /** The sender of message `i` (its OpenID). */
  openidOf: (i: number) => string;
}

// Every request is a new message (its own MsgId and nonce): a repeated MsgId would be answered
// from the dedup cache as a retry, a repeated nonce with another body refused as a replay.
const MSG_ID_BASE = BigInt(Date.now()) * 1_000_000n;

/** Message `i`, signed now (well inside the bot's 300 s window): its path and body. */
export function benchRequest(
  i: number,
  options: BenchRequestOptions,
): { path: string; body: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const openid = options.openidOf(i);
  const xml = buildMessageXml('text', {
    target: 'gh_bench',
    source: openid,
    time: Number(timestamp),
    content: `你好 zgrobot ${i}`,
    messageId: String(MSG_ID_BASE + BigInt(i)),
  });
  const request = buildMessageRequest(options.credentials, xml, {
    timestamp,
    nonce: `${MSG_ID_BASE}${i}`,
    openid,
    ...(options.crypt ? { crypt: options.crypt } : {}),
  });
  return { path: `/?${request.query}`, body: request.body ?? '' };
}
