import { createHash } from 'node:crypto';

export const TOKEN = 'test_token';
export const APP_ID = 'wx0123456789abcdef';
// 43 base64 characters; the key used across the encrypted tests.
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** sha1 of the sorted strings, computed here apart from the code under test. */
export function sha1Sorted(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** A query string signed the way WeChat signs it. */
export function signedQuery(token = TOKEN, extra: Record<string, string> = {}): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const signature = sha1Sorted(token, timestamp, nonce);
  return new URLSearchParams({
    signature,
    timestamp,
    nonce,
    openid: 'user_openid',
    ...extra,
  }).toString();
}

const cdata = (value: string) => `<![CDATA[${value}]]>`;

// Every message built here is a new one: WeChat's retries of one message share its MsgId (events:
// FromUserName + CreateTime), and the pipeline answers a retry with the first answer.
let sequence = 0;
const nextSequence = () => ++sequence;

/** The XML of a message as WeChat sends it; `fields` go in after the common ones. */
export function messageXml(
  msgType: string,
  fields: Record<string, string> = {},
  common: Partial<Record<string, string>> = {},
): string {
  const all: Record<string, string> = {
    ToUserName: common.ToUserName ?? 'gh_account',
    FromUserName: common.FromUserName ?? 'user_openid',
    CreateTime: common.CreateTime ?? String(1700000000 + nextSequence()),
    MsgType: msgType,
    ...fields,
  };
  if (msgType !== 'event' && all.MsgId === undefined) {
    all.MsgId = String(1234567890123456789n + BigInt(nextSequence()));
  }
  const body = Object.entries(all)
    .map(([name, value]) =>
      name === 'CreateTime' || value.startsWith('<')
        ? `<${name}>${value}</${name}>`
        : `<${name}>${cdata(value)}</${name}>`,
    )
    .join('');
  return `<xml>${body}</xml>`;
}

export const textXml = (content: string, common: Partial<Record<string, string>> = {}) =>
  messageXml('text', { Content: content }, common);

export const eventXml = (
  event: string,
  fields: Record<string, string> = {},
  common: Partial<Record<string, string>> = {},
) => messageXml('event', { Event: event, ...fields }, common);
