import {
  type EventType,
  MESSAGE_KINDS,
  type MessageKinds,
  type MessageType,
  messageTypeOf,
} from '../core/messages/kinds.js';
import {
  buildMessageRequest,
  buildVerifyRequest,
  cryptFor,
  type WechatCredentials,
  type WechatRequest,
} from '../wechat-request.js';
import { UnexpectedStatusError } from './errors.js';
import { buildMessageXml, type MessageEnvelope, type MessageInput } from './message-xml.js';
import { openReply, type ParsedReply } from './reply.js';
import { type BotResponse, type BotTarget, transportFor } from './transport.js';

/** Options of {@link createTestClient}. */
export interface TestClientOptions extends WechatCredentials {
  /** The simulated user's OpenID (`FromUserName`); default `o_zgrobot_test_user`. */
  openid?: string;
  /** The official account's id (`ToUserName`); default `gh_zgrobot_test`. */
  account?: string;
  /** The path requests go to when the target is in memory (default `/`). */
  path?: string;
  /** For a URL target: how long to wait for the bot, in ms (default 10 000). */
  timeout?: number;
}

/** An event's wire name (`'subscribe'`, `'click'`, `'scancode_push'`, …). */
export type EventName = {
  [K in EventType]: MessageKinds[K] extends { event: infer E extends string } ? E : never;
}[EventType];

/** The kind of the event named `E`: `EventKindOf<'click'>` is `'click_event'`. */
export type EventKindOf<E extends EventName> = {
  [K in EventType]: MessageKinds[K] extends { event: E } ? K : never;
}[EventType];

/** One helper per kind, from the table: `t.subscribe({ key })`, `t.scancodePush({ … })`, … */
export type KindHelpers = {
  [K in MessageType as MessageKinds[K]['method']]: (
    input?: MessageInput<K>,
  ) => Promise<ParsedReply>;
};

/** Kinds whose helper takes its main value first (`t.text('hi')`, `t.click('music')`). */
type Positional =
  | 'text'
  | 'image'
  | 'link'
  | 'location'
  | 'voice'
  | 'video'
  | 'shortvideo'
  | 'unknown'
  | 'click'
  | 'view'
  | 'scan'
  | 'locationEvent';

/**
 * A simulated WeChat server for one bot. Every helper builds the request exactly as WeChat does
 * (signature; encryption when a key is set), runs it through the bot's whole pipeline, checks
 * the reply's signature, decrypts it and returns it parsed and typed.
 */
export interface TestClient extends Omit<KindHelpers, Positional> {
  /** A text message. */
  text(content: string, input?: MessageInput<'text'>): Promise<ParsedReply>;
  /** An image message with its picture URL. */
  image(img: string, input?: MessageInput<'image'>): Promise<ParsedReply>;
  /** A link message. */
  link(url: string, input?: MessageInput<'link'>): Promise<ParsedReply>;
  /** A location message (`Location_X` is the latitude, `Location_Y` the longitude). */
  location(
    locationX: number,
    locationY: number,
    input?: MessageInput<'location'>,
  ): Promise<ParsedReply>;
  /** A voice message. */
  voice(mediaId: string, input?: MessageInput<'voice'>): Promise<ParsedReply>;
  /** A video message. */
  video(mediaId: string, input?: MessageInput<'video'>): Promise<ParsedReply>;
  /** A short-video message. */
  shortvideo(mediaId: string, input?: MessageInput<'shortvideo'>): Promise<ParsedReply>;
  /** A message of a type the table does not know (`MsgType` as given). */
  unknown(msgType?: string, input?: MessageInput<'unknown'>): Promise<ParsedReply>;
  /** A click on a menu button with this key. */
  click(key: string, input?: MessageInput<'click_event'>): Promise<ParsedReply>;
  /** A tap on a menu link (`EventKey` is the URL). */
  view(url: string, input?: MessageInput<'view_event'>): Promise<ParsedReply>;
  /** A scan of a QR code by a user who already follows the account. */
  scan(key: string, input?: MessageInput<'scan_event'>): Promise<ParsedReply>;
  /** The location report WeChat sends when a user opens the chat. */
  locationEvent(
    latitude: number,
    longitude: number,
    input?: MessageInput<'location_event'>,
  ): Promise<ParsedReply>;
  /** An event by its WeChat name: `t.event('subscribe', { key: 'qrscene_1' })`. */
  event<E extends EventName>(name: E, input?: MessageInput<EventKindOf<E>>): Promise<ParsedReply>;
  /** Any kind by its `type`: `t.send('pic_weixin_event', { count: 1, picList: [...] })`. */
  send<T extends MessageType>(type: T, input?: MessageInput<T>): Promise<ParsedReply>;
  /** A message given as its XML (encrypted when a key is set). */
  sendXml(xml: string): Promise<ParsedReply>;
  /** The URL check: a signed GET with `echostr`; resolves with what the bot echoed. */
  verify(echostr?: string): Promise<string>;
  /** Sends a request as built, and returns the HTTP answer unchecked (for 403s, 400s…). */
  request(request: WechatRequest): Promise<BotResponse>;
  /** Builds the request for a message without sending it. */
  build(xml: string): WechatRequest;
}

/**
 * A test client for a bot: WeRoBot's `WeTest`, going through the **whole** pipeline (signature
 * check, decryption, parsing, session, handlers, rendering, encryption) in memory, with no port.
 * Point it at a URL instead and it talks HTTP to a running bot (the `zgrobot send` CLI does).
 *
 * Messages get a fresh `MsgId` and events a `CreateTime` later than the previous one, so a
 * duplicate filter never takes two test messages for one WeChat retry; pass `messageId`/`time`
 * to simulate a retry on purpose.
 *
 * @throws {UnexpectedStatusError} (from each call) when the bot answers a status other than 200.
 * @throws {InvalidReplyError} when the answer is not valid reply XML.
 * @throws {SignatureError} when an encrypted reply's `MsgSignature` does not match the token.
 * @example
 * ```ts
 * import { createTestClient } from 'zgrobot/testing';
 *
 * const t = createTestClient(robot, { token: 'tokenhere' });
 * const reply = await t.text('hi');
 * expect(reply).toMatchObject({ type: 'text', content: 'Hello World!' });
 * expect((await t.click('music')).type).toBe('news');
 * ```
 */
export function createTestClient(target: BotTarget, options: TestClientOptions): TestClient {
  const send = transportFor(target, options.path, options.timeout);
  const crypt = cryptFor(options);
  const envelope: MessageEnvelope = {
    source: options.openid ?? 'o_zgrobot_test_user',
    target: options.account ?? 'gh_zgrobot_test',
  };
  let lastEventTime = 0;

  const build = (xml: string) => buildMessageRequest(options, xml, crypt ? { crypt } : {});

  const sendXml = async (xml: string): Promise<ParsedReply> => {
    const response = await send(build(xml));
    if (response.status !== 200) throw new UnexpectedStatusError(response.status, response.body);
    return openReply(response.body, { crypt }).reply;
  };

  const sendKind = <T extends MessageType>(type: T, input: MessageInput<T> = {}) => {
    const values: MessageInput<T> = { ...envelope, ...input };
    if (type.endsWith('_event') && input.time === undefined) {
      lastEventTime = Math.max(Math.floor(Date.now() / 1000), lastEventTime + 1);
      values.time = lastEventTime;
    }
    return sendXml(buildMessageXml(type, values));
  };

  const helpers: Record<string, (input?: object) => Promise<ParsedReply>> = {};
  for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, { method: string }][]) {
    helpers[row.method] = (input = {}) => sendKind(type, input);
  }

  const client: Omit<TestClient, keyof Omit<KindHelpers, Positional>> = {
    text: (content, input) => sendKind('text', { ...input, content }),
    image: (img, input) => sendKind('image', { mediaId: 'test_media_id', ...input, img }),
    link: (url, input) => sendKind('link', { title: url, description: '', ...input, url }),
    location: (locationX, locationY, input) =>
      sendKind('location', { scale: 15, label: '', ...input, locationX, locationY }),
    voice: (mediaId, input) => sendKind('voice', { format: 'amr', ...input, mediaId }),
    video: (mediaId, input) =>
      sendKind('video', { thumbMediaId: 'test_thumb_id', ...input, mediaId }),
    shortvideo: (mediaId, input) =>
      sendKind('shortvideo', { thumbMediaId: 'test_thumb_id', ...input, mediaId }),
    unknown: (msgType = 'unknown_type', input) => sendKind('unknown', { ...input, msgType }),
    click: (key, input) => sendKind('click_event', { ...input, key }),
    view: (url, input) => sendKind('view_event', { ...input, key: url }),
    scan: (key, input) => sendKind('scan_event', { ticket: 'test_ticket', ...input, key }),
    locationEvent: (latitude, longitude, input) =>
      sendKind('location_event', { precision: 65, ...input, latitude, longitude }),
    event: (name, input) => {
      const type = messageTypeOf('event', name);
      return type === 'unknown_event'
        ? sendKind(type, { ...input, event: name })
        : sendKind(type, input);
    },
    send: (type, input) => sendKind(type, input),
    sendXml,
    verify: async (echostr = `echo${Date.now()}`) => {
      const response = await send(buildVerifyRequest(options.token, echostr));
      if (response.status !== 200) throw new UnexpectedStatusError(response.status, response.body);
      return response.body;
    },
    request: (request) => send(request),
    build,
  };
  // The helpers come from the table, one per row; the explicit ones above win where both exist.
  return { ...helpers, ...client } as TestClient;
}
