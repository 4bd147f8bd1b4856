import type { AnyMessage } from '../messages/types.js';

/** Who a reply goes to and when: taken from the message it answers unless given. */
export interface ReplyAddressing {
  /** The message being answered: the reply goes back to its sender, from its recipient. */
  message?: Pick<AnyMessage, 'source' | 'target'>;
  /** `FromUserName` of the reply: the official account. Defaults to `message.target`. */
  source?: string;
  /** `ToUserName` of the reply: the user. Defaults to `message.source`. */
  target?: string;
  /** `CreateTime` in UNIX seconds. Defaults to now. */
  time?: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What every reply has; `source`/`target` may be filled in later from the message. */
abstract class BaseReply {
  abstract readonly type: string;
  source: string;
  target: string;
  time: number;

  constructor(options: ReplyAddressing) {
    this.source = options.source ?? options.message?.target ?? '';
    this.target = options.target ?? options.message?.source ?? '';
    this.time = options.time ?? nowSeconds();
  }
}

/**
 * A text reply. A handler that returns a string gets one of these.
 *
 * @example
 * ```ts
 * robot.text((ctx) => new TextReply({ message: ctx.wechat.message, content: 'Hello!' }));
 * ```
 */
export class TextReply extends BaseReply {
  readonly type = 'text';
  content: string;
  constructor(options: ReplyAddressing & { content: string }) {
    super(options);
    this.content = options.content;
  }
}

/**
 * An image reply, by the media id of an uploaded image.
 *
 * @example
 * ```ts
 * robot.image((ctx) => new ImageReply({ message: ctx.wechat.message, mediaId: ctx.wechat.message.mediaId }));
 * ```
 */
export class ImageReply extends BaseReply {
  readonly type = 'image';
  mediaId: string;
  constructor(options: ReplyAddressing & { mediaId: string }) {
    super(options);
    this.mediaId = options.mediaId;
  }
}

/**
 * A voice reply, by the media id of an uploaded voice file.
 *
 * @example
 * ```ts
 * new VoiceReply({ message, mediaId: 'MEDIA_ID' });
 * ```
 */
export class VoiceReply extends BaseReply {
  readonly type = 'voice';
  mediaId: string;
  constructor(options: ReplyAddressing & { mediaId: string }) {
    super(options);
    this.mediaId = options.mediaId;
  }
}

/**
 * A video reply; title and description may be left out.
 *
 * @example
 * ```ts
 * new VideoReply({ message, mediaId: 'MEDIA_ID', title: '标题' });
 * ```
 */
export class VideoReply extends BaseReply {
  readonly type = 'video';
  mediaId: string;
  title: string | undefined;
  description: string | undefined;
  constructor(
    options: ReplyAddressing & { mediaId: string; title?: string; description?: string },
  ) {
    super(options);
    this.mediaId = options.mediaId;
    this.title = options.title;
    this.description = options.description;
  }
}

/** One item of an {@link ArticlesReply}. */
export class Article {
  title: string;
  description: string;
  /** The picture's URL (`PicUrl`). */
  img: string;
  /** Where a tap on the article leads. */
  url: string;
  constructor(options: { title: string; description?: string; img?: string; url?: string }) {
    this.title = options.title;
    this.description = options.description ?? '';
    this.img = options.img ?? '';
    this.url = options.url ?? '';
  }
}

/** WeChat shows at most 8 articles in one passive reply (1 when answering a user's message). */
export const MAX_ARTICLES = 8;

/**
 * A news (图文) reply made of {@link Article}s.
 *
 * @example
 * ```ts
 * const reply = new ArticlesReply({ message });
 * reply.addArticle(new Article({ title: 'ZgRoBot', description: '微信机器人框架', img, url }));
 * ```
 */
export class ArticlesReply extends BaseReply {
  readonly type = 'news';
  readonly articles: Article[] = [];
  constructor(options: ReplyAddressing & { articles?: Article[] } = {}) {
    super(options);
    for (const article of options.articles ?? []) this.addArticle(article);
  }

  /** Adds an article. @throws {RangeError} past {@link MAX_ARTICLES}. */
  addArticle(article: Article): this {
    if (this.articles.length >= MAX_ARTICLES) {
      throw new RangeError(`an ArticlesReply holds at most ${MAX_ARTICLES} articles`);
    }
    this.articles.push(article);
    return this;
  }
}

/**
 * A music reply. The high-quality URL defaults to the URL.
 *
 * @example
 * ```ts
 * new MusicReply({ message, title: '微信你不懂爱', description: '龚琳娜', url: 'http://…/a.mp3' });
 * ```
 */
export class MusicReply extends BaseReply {
  readonly type = 'music';
  title: string;
  description: string;
  url: string;
  hqUrl: string;
  /** Media id of the thumbnail; optional. */
  thumbMediaId: string | undefined;
  constructor(
    options: ReplyAddressing & {
      title: string;
      description?: string;
      url: string;
      hqUrl?: string;
      thumbMediaId?: string;
    },
  ) {
    super(options);
    this.title = options.title;
    this.description = options.description ?? '';
    this.url = options.url;
    this.hqUrl = options.hqUrl || options.url;
    this.thumbMediaId = options.thumbMediaId;
  }
}

/**
 * Hands the conversation to the customer-service (多客服) system, to a given account or any.
 *
 * @example
 * ```ts
 * new TransferCustomerServiceReply({ message, account: 'kf2001@gh_xxx' });
 * ```
 */
export class TransferCustomerServiceReply extends BaseReply {
  readonly type = 'transfer_customer_service';
  account: string | undefined;
  constructor(options: ReplyAddressing & { account?: string } = {}) {
    super(options);
    this.account = options.account;
  }
}

/**
 * Answers WeChat with the bare text `success`: no reply shown, no retry.
 *
 * @example
 * ```ts
 * robot.unsubscribe(() => new SuccessReply());
 * ```
 */
export class SuccessReply {
  readonly type = 'success';
}
