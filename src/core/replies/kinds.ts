import type { Client } from '../client/client.js';
import {
  ArticlesReply,
  ImageReply,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from './replies.js';
import { element } from './xml.js';

/** How a reply of one kind goes out as a 客服 message: the client method, and the call. */
export interface CustomerServiceSend<R, M extends keyof Client> {
  /** The one `Client` method `send` calls; {@link CustomerServiceClient} is made of these. */
  method: M;
  send: (client: Pick<Client, M>, user: string, reply: R) => Promise<unknown>;
}

/** One row of {@link REPLY_KINDS}: a reply class, and what becomes of its replies. */
export interface ReplyKind<R, M extends keyof Client = keyof Client> {
  /** The class whose instances are replies of this kind. */
  Class: abstract new (
    ...args: never[]
  ) => R;
  /**
   * The XML inside `<xml>` after `<MsgType>` (the head is the same for all kinds); `null` for a
   * kind that is not XML at all but the bare text `success`.
   */
  body: ((reply: R) => string) | null;
  /** How it is sent late with the 客服 message API; `null` when it cannot be. */
  customerService: CustomerServiceSend<R, M> | null;
}

// Ties each row's functions to its class, so `reply` in them is typed (as `str()` does for fields).
function kind<R, M extends keyof Client = never>(
  Class: abstract new (...args: never[]) => R,
  row: Omit<ReplyKind<R, M>, 'Class'>,
): ReplyKind<R, M> {
  return { Class, ...row };
}

/**
 * The one table of reply kinds (PROTOCOL.md §4), keyed by each class's `type` (its `<MsgType>`).
 * It drives the {@link Reply} union, which values count as reply objects, {@link renderReply} and
 * the late 客服 delivery (`sendAsCustomerMessage`). Adding a reply kind is its class and one row.
 */
export const REPLY_KINDS = {
  text: kind(TextReply, {
    body: (reply) => element('Content', reply.content),
    customerService: {
      method: 'sendTextMessage',
      send: (client, user, reply) => client.sendTextMessage(user, reply.content),
    },
  }),
  image: kind(ImageReply, {
    body: (reply) => `<Image>${element('MediaId', reply.mediaId)}</Image>`,
    customerService: {
      method: 'sendImageMessage',
      send: (client, user, reply) => client.sendImageMessage(user, reply.mediaId),
    },
  }),
  voice: kind(VoiceReply, {
    body: (reply) => `<Voice>${element('MediaId', reply.mediaId)}</Voice>`,
    customerService: {
      method: 'sendVoiceMessage',
      send: (client, user, reply) => client.sendVoiceMessage(user, reply.mediaId),
    },
  }),
  video: kind(VideoReply, {
    body: (reply) =>
      `<Video>${element('MediaId', reply.mediaId)}${element('Title', reply.title, true)}` +
      `${element('Description', reply.description, true)}</Video>`,
    customerService: {
      method: 'sendVideoMessage',
      send: (client, user, reply) =>
        client.sendVideoMessage(user, reply.mediaId, reply.title, reply.description),
    },
  }),
  news: kind(ArticlesReply, {
    body: (reply) => {
      const items = reply.articles
        .map(
          (a) =>
            `<item>${element('Title', a.title)}${element('Description', a.description, true)}` +
            `${element('PicUrl', a.img, true)}${element('Url', a.url, true)}</item>`,
        )
        .join('');
      return `<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles>`;
    },
    customerService: {
      method: 'sendArticleMessage',
      send: (client, user, reply) =>
        client.sendArticleMessage(
          user,
          reply.articles.map((a) => ({
            title: a.title,
            description: a.description,
            url: a.url,
            picurl: a.img,
          })),
        ),
    },
  }),
  music: kind(MusicReply, {
    body: (reply) =>
      `<Music>${element('Title', reply.title)}${element('Description', reply.description, true)}` +
      `${element('MusicUrl', reply.url)}${element('HQMusicUrl', reply.hqUrl)}` +
      `${element('ThumbMediaId', reply.thumbMediaId, true)}</Music>`,
    customerService: {
      method: 'sendMusicMessage',
      // The API requires a thumbnail; a reply without one sends an empty id.
      send: (client, user, reply) =>
        client.sendMusicMessage(
          user,
          reply.url,
          reply.hqUrl,
          reply.thumbMediaId ?? '',
          reply.title,
          reply.description,
        ),
    },
  }),
  transfer_customer_service: kind(TransferCustomerServiceReply, {
    body: (reply) =>
      reply.account ? `<TransInfo>${element('KfAccount', reply.account)}</TransInfo>` : '',
    // A hand-over to 多客服 only means something as the answer to the message itself.
    customerService: null,
  }),
  success: kind(SuccessReply, { body: null, customerService: null }),
} as const;

// A row filed under a key that is not its class's `type` fails to compile here.
REPLY_KINDS satisfies {
  [K in keyof typeof REPLY_KINDS]: {
    Class: abstract new (...args: never[]) => { readonly type: K };
  };
};

/** The table's type, for deriving the rest. */
export type ReplyKinds = typeof REPLY_KINDS;
/** Every reply `type`: `'text'`, `'image'`, …, `'success'`. */
export type ReplyType = keyof ReplyKinds;
/** The reply types answered with XML (whose `<MsgType>` is the type): all but `success`. */
export type XmlReplyType = Exclude<ReplyType, 'success'>;

// `InstanceType` gives `any` for the rows' `never[]`-argument constructors, so match them here.
type InstanceOf<Class> = Class extends abstract new (...args: never[]) => infer R ? R : never;

/** Every reply object a handler can return: an instance of one of the table's classes. */
export type Reply = InstanceOf<ReplyKinds[ReplyType]['Class']>;

/** The `Client` methods late replies are sent with, one per row that can be sent. */
export type CustomerServiceMethod = NonNullable<ReplyKinds[ReplyType]['customerService']>['method'];

/**
 * The customer-service (客服) methods a late reply is sent with. zgrobot's `Client` fits as is;
 * so does any object with these methods.
 */
export type CustomerServiceClient = Pick<Client, CustomerServiceMethod>;

/** All reply types, in table order. */
export const REPLY_TYPES = Object.keys(REPLY_KINDS) as ReplyType[];

/** The reply classes, in table order: what counts as a reply object. */
export const REPLY_CLASSES: readonly ReplyKinds[ReplyType]['Class'][] = REPLY_TYPES.map(
  (type) => REPLY_KINDS[type].Class,
);

/** Whether `value` is an instance of one of the table's reply classes. */
export function isReplyObject(value: unknown): value is Reply {
  return REPLY_CLASSES.some((Class) => value instanceof Class);
}

/**
 * The row of `reply`'s kind, typed for any reply, so a caller can hand `reply` to its functions.
 *
 * @example
 * ```ts
 * const { body } = replyKindOf(reply);
 * ```
 */
export function replyKindOf(reply: Reply): ReplyKind<Reply, CustomerServiceMethod> {
  // The row under `reply.type` is the row of `reply`'s own class (the key is the class's `type`),
  // so its functions accept this very reply; TypeScript cannot follow that across the union.
  return REPLY_KINDS[reply.type] as unknown as ReplyKind<Reply, CustomerServiceMethod>;
}
