import type { MessageCrypt } from '../core/crypto/message-crypt.js';
import type { XmlElement, XmlValue } from '../core/messages/types.js';
import { parseXml } from '../core/messages/xml.js';
import type { XmlReplyType } from '../core/replies/kinds.js';
import { InvalidReplyError } from './errors.js';

/** What every reply XML carries. */
export interface ParsedReplyBase {
  /** `FromUserName`: the official account. */
  source: string;
  /** `ToUserName`: the user. */
  target: string;
  /** `CreateTime`, UNIX seconds. */
  time: number;
  /** The reply XML (decrypted, when it came encrypted). */
  raw: string;
}

/** One article of a news reply. */
export interface ParsedArticle {
  title: string;
  description: string;
  /** `PicUrl`. */
  img: string;
  url: string;
}

export interface ParsedTextReply extends ParsedReplyBase {
  type: 'text';
  content: string;
}
export interface ParsedImageReply extends ParsedReplyBase {
  type: 'image';
  mediaId: string;
}
export interface ParsedVoiceReply extends ParsedReplyBase {
  type: 'voice';
  mediaId: string;
}
export interface ParsedVideoReply extends ParsedReplyBase {
  type: 'video';
  mediaId: string;
  title: string | undefined;
  description: string | undefined;
}
export interface ParsedArticlesReply extends ParsedReplyBase {
  type: 'news';
  articles: ParsedArticle[];
}
export interface ParsedMusicReply extends ParsedReplyBase {
  type: 'music';
  title: string;
  description: string;
  url: string;
  hqUrl: string;
  thumbMediaId: string | undefined;
}
export interface ParsedTransferReply extends ParsedReplyBase {
  type: 'transfer_customer_service';
  /** `TransInfo.KfAccount`, when the reply names one. */
  account: string | undefined;
}
/** `success` or an empty body: no reply shown. */
export interface ParsedSuccessReply {
  type: 'success';
  /** What the bot answered: `'success'` or `''`. */
  raw: string;
}

/**
 * A reply as the bot sent it, parsed and typed: a discriminated union on `type`, with the same
 * field names as the reply classes (`TextReply.content`, `ArticlesReply.articles`, …).
 */
export type ParsedReply =
  | ParsedTextReply
  | ParsedImageReply
  | ParsedVoiceReply
  | ParsedVideoReply
  | ParsedArticlesReply
  | ParsedMusicReply
  | ParsedTransferReply
  | ParsedSuccessReply;

function text(value: XmlValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return text(value[0]);
  return undefined;
}

function child(element: XmlElement, name: string): XmlElement {
  const value = element[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? first : {};
}

function items(value: XmlValue | undefined): XmlElement[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is XmlElement => typeof v === 'object' && !Array.isArray(v));
}

// One reader per XML row of REPLY_KINDS: a reply kind added there does not compile until read here.
const READERS: {
  [T in XmlReplyType]: (
    xml: XmlElement,
    base: ParsedReplyBase,
  ) => Extract<ParsedReply, { type: T }>;
} = {
  text: (xml, base) => ({ type: 'text', ...base, content: text(xml.Content) ?? '' }),
  image: (xml, base) => ({
    type: 'image',
    ...base,
    mediaId: text(child(xml, 'Image').MediaId) ?? '',
  }),
  voice: (xml, base) => ({
    type: 'voice',
    ...base,
    mediaId: text(child(xml, 'Voice').MediaId) ?? '',
  }),
  video: (xml, base) => {
    const video = child(xml, 'Video');
    return {
      type: 'video',
      ...base,
      mediaId: text(video.MediaId) ?? '',
      title: text(video.Title),
      description: text(video.Description),
    };
  },
  news: (xml, base) => ({
    type: 'news',
    ...base,
    articles: items(child(xml, 'Articles').item).map((item) => ({
      title: text(item.Title) ?? '',
      description: text(item.Description) ?? '',
      img: text(item.PicUrl) ?? '',
      url: text(item.Url) ?? '',
    })),
  }),
  music: (xml, base) => {
    const music = child(xml, 'Music');
    return {
      type: 'music',
      ...base,
      title: text(music.Title) ?? '',
      description: text(music.Description) ?? '',
      url: text(music.MusicUrl) ?? '',
      hqUrl: text(music.HQMusicUrl) ?? '',
      thumbMediaId: text(music.ThumbMediaId),
    };
  },
  transfer_customer_service: (xml, base) => ({
    type: 'transfer_customer_service',
    ...base,
    account: text(child(xml, 'TransInfo').KfAccount),
  }),
};

/** The answer read as XML; anything else is an {@link InvalidReplyError}. */
function replyXml(body: string): XmlElement {
  try {
    return parseXml(body);
  } catch (error) {
    throw new InvalidReplyError(`the reply is not valid XML: ${(error as Error).message}`, body, {
      cause: error,
    });
  }
}

/**
 * Parses a bot's plaintext answer: reply XML, or `success`/empty for "no reply".
 *
 * @throws {InvalidReplyError} when the answer is not reply XML WeChat would accept.
 * @example
 * ```ts
 * const reply = parseReply(body);
 * if (reply.type === 'text') console.log(reply.content);
 * ```
 */
export function parseReply(body: string): ParsedReply {
  const trimmed = body.trim();
  if (trimmed === '' || trimmed === 'success') return { type: 'success', raw: body };
  const xml = replyXml(body);
  const base: ParsedReplyBase = {
    source: text(xml.FromUserName) ?? '',
    target: text(xml.ToUserName) ?? '',
    time: Number(text(xml.CreateTime) ?? Number.NaN),
    raw: body,
  };
  const msgType = text(xml.MsgType);
  if (msgType === undefined || !Object.hasOwn(READERS, msgType)) {
    throw new InvalidReplyError(
      msgType === undefined
        ? 'the reply XML has no <MsgType>'
        : `the reply has an unknown MsgType "${msgType}"`,
      body,
    );
  }
  return READERS[msgType as XmlReplyType](xml, base);
}

/** Options of {@link openReply}. */
export interface OpenReplyOptions {
  /**
   * The crypt, when the message went encrypted (the reply must then be encrypted too, and its
   * `MsgSignature` signed with the crypt's token).
   */
  crypt: MessageCrypt | undefined;
}

/** A reply opened by {@link openReply}. */
export interface OpenedReply {
  reply: ParsedReply;
  /** Whether the reply came encrypted (and its signature checked out). */
  encrypted: boolean;
}

/**
 * Opens a bot's answer as WeChat does: an encrypted envelope has its `MsgSignature` checked and
 * is decrypted ({@link MessageCrypt.decryptMessage}); the plaintext XML is then parsed. `success`
 * and an empty body may come plain.
 *
 * @throws {SignatureError} when the envelope's `MsgSignature` does not match the token.
 * @throws {DecryptError} when the ciphertext is bad or for another AppID.
 * @throws {InvalidReplyError} when the answer is not reply XML, or comes plain for an encrypted message.
 * @example
 * ```ts
 * const { reply } = openReply(await response.text(), { crypt });
 * ```
 */
export function openReply(body: string, options: OpenReplyOptions): OpenedReply {
  const trimmed = body.trim();
  const { crypt } = options;
  if (!crypt || trimmed === '' || trimmed === 'success') {
    return { reply: parseReply(body), encrypted: false };
  }
  const envelope = replyXml(body);
  const encrypt = text(envelope.Encrypt);
  if (encrypt === undefined) {
    throw new InvalidReplyError('the message went encrypted but the reply came plain', body);
  }
  const xml = crypt.decryptMessage({
    encrypt,
    timestamp: text(envelope.TimeStamp),
    nonce: text(envelope.Nonce),
    msgSignature: text(envelope.MsgSignature),
  });
  return { reply: parseReply(xml), encrypted: true };
}
