import type { ApiCaller, CallOptions, JsonBody, WeChatResult } from './core.js';

/** An article of a customer-service news message (`news`): at most 8 per message (now 1). */
export interface CustomArticle {
  title: string;
  description?: string;
  /** Page opened on tap. */
  url?: string;
  /** Cover image URL. */
  picurl?: string;
  /** Alias of `picurl`, as the reply `Article` objects name it. */
  img?: string;
}

/** Customer-service messages. */
export class MessageApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /** Send `message` to `userId` through `/cgi-bin/message/custom/send`. */
  #sendCustom(
    userId: string,
    msgtype: string,
    content: JsonBody,
    kfAccount: string | undefined,
    options: CallOptions | undefined,
  ): Promise<WeChatResult> {
    const body: JsonBody = { touser: userId, msgtype, [msgtype]: content };
    if (kfAccount !== undefined) body.customservice = { kf_account: kfAccount };
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/custom/send',
      body,
      ...options,
    });
  }

  /**
   * Send a text message (within 48 h of the user's last message).
   *
   * @param userId - the user's OpenID: the `source` of a message you received.
   * @param kfAccount - send as this customer-service account.
   * @example
   * ```ts
   * await client.sendTextMessage(message.source, '这是客服发的消息');
   * ```
   */
  sendTextMessage(
    userId: string,
    content: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#sendCustom(userId, 'text', { content }, kfAccount, options);
  }

  /** Send an image; `mediaId` from `uploadMedia('image', …)`. */
  sendImageMessage(
    userId: string,
    mediaId: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#sendCustom(userId, 'image', { media_id: mediaId }, kfAccount, options);
  }

  /** Send a voice message; `mediaId` from `uploadMedia('voice', …)`. */
  sendVoiceMessage(
    userId: string,
    mediaId: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#sendCustom(userId, 'voice', { media_id: mediaId }, kfAccount, options);
  }

  /** Send a video; `mediaId` from `uploadMedia('video', …)`. */
  sendVideoMessage(
    userId: string,
    mediaId: string,
    title?: string,
    description?: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    const video: JsonBody = { media_id: mediaId };
    if (title) video.title = title;
    if (description) video.description = description;
    return this.#sendCustom(userId, 'video', video, kfAccount, options);
  }

  /**
   * Send music.
   * @param url - the music link.
   * @param hqUrl - high-quality link, preferred on Wi-Fi.
   * @param thumbMediaId - thumbnail from `uploadMedia('thumb', …)`.
   */
  sendMusicMessage(
    userId: string,
    url: string,
    hqUrl: string,
    thumbMediaId: string,
    title?: string,
    description?: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    const music: JsonBody = { musicurl: url, hqmusicurl: hqUrl, thumb_media_id: thumbMediaId };
    if (title) music.title = title;
    if (description) music.description = description;
    return this.#sendCustom(userId, 'music', music, kfAccount, options);
  }

  /** Send a news message with external links (`msgtype: news`). */
  sendArticleMessage(
    userId: string,
    articles: CustomArticle[],
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    const list = articles.map(({ img, picurl, ...rest }) => ({ ...rest, picurl: picurl ?? img }));
    return this.#sendCustom(userId, 'news', { articles: list }, kfAccount, options);
  }

  /** Send a published article or material by `mediaId` (`msgtype: mpnews`). */
  sendNewsMessage(
    userId: string,
    mediaId: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#sendCustom(userId, 'mpnews', { media_id: mediaId }, kfAccount, options);
  }

  /**
   * Send a mini program card (the mini program must be linked to the account).
   * @param appid - the mini program's AppID.
   * @param pagepath - e.g. `pages/index/index?foo=bar`.
   * @param thumbMediaId - card image, 520×416 recommended.
   */
  sendMiniprogrampageMessage(
    userId: string,
    title: string,
    appid: string,
    pagepath: string,
    thumbMediaId: string,
    kfAccount?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#sendCustom(
      userId,
      'miniprogrampage',
      { title, appid, pagepath, thumb_media_id: thumbMediaId },
      kfAccount,
      options,
    );
  }
}
