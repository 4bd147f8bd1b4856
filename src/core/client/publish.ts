import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import { type BigId, toBigIdNumber } from './json.js';
import type { NewsArticle } from './media-methods.js';

/** An article of a draft. `article_type: 'newspic'` drafts carry `image_info` instead of a cover. */
export interface DraftArticle extends Omit<NewsArticle, 'thumb_media_id' | 'show_cover_pic'> {
  /** `news` (default) or `newspic` (picture message). */
  article_type?: 'news' | 'newspic';
  thumb_media_id?: string;
  /** Cover crop, e.g. `0_0_1_1`. */
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  image_info?: { image_list: Array<{ image_media_id: string }> };
}

/** An article as WeChat returns it from drafts and published content. */
export interface ArticleItem extends DraftArticle {
  /** Temporary preview link or permanent link. */
  url?: string;
  thumb_url?: string;
  /** For published articles: deleted by the user. */
  is_deleted?: boolean;
}

/** What `addDraft` returns. */
export interface AddDraftResult extends WeChatResult {
  media_id: string;
}

/** What `getDraft` and `getPublishedArticle` return. */
export interface NewsItemResult extends WeChatResult {
  news_item: ArticleItem[];
}

/** What `getDraftCount` returns. */
export interface DraftCountResult extends WeChatResult {
  total_count: number;
}

/** What `getDraftList` returns. */
export interface DraftListResult extends WeChatResult {
  total_count: number;
  item_count: number;
  item: Array<{ media_id: string; content: { news_item: ArticleItem[] }; update_time: number }>;
}

/** What `submitPublish` returns. Both ids are 64-bit: kept as strings. */
export interface SubmitPublishResult extends WeChatResult {
  publish_id: string;
  msg_data_id?: string;
}

/** What `getPublishStatus` returns. */
export interface PublishStatusResult extends WeChatResult {
  publish_id: string;
  /** 0 success, 1 publishing, 2 originality check failed, 3 failed, 4 rejected, 5 deleted, 6 banned. */
  publish_status: number;
  article_id?: string;
  article_detail?: { count: number; item: Array<{ idx: number; article_url: string }> };
  /** 1-based indexes of the articles that failed. */
  fail_idx?: number[];
}

/** What `getPublishedList` returns. */
export interface PublishedListResult extends WeChatResult {
  total_count: number;
  item_count: number;
  item: Array<{
    article_id: string;
    content: { news_item: ArticleItem[]; create_time?: number; update_time?: number };
    update_time: number;
  }>;
}

/** Drafts and publishing, which replaced `addNews`/`updateNews` and news material. */
export class PublishApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /** Save a draft. `POST /cgi-bin/draft/add`. */
  addDraft(articles: DraftArticle[], options?: CallOptions): Promise<AddDraftResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/draft/add',
      body: { articles },
      ...options,
    });
  }

  /** Read a draft. `POST /cgi-bin/draft/get`. */
  getDraft(mediaId: string, options?: CallOptions): Promise<NewsItemResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/draft/get',
      body: { media_id: mediaId },
      ...options,
    });
  }

  /** Delete a draft. `POST /cgi-bin/draft/delete`. */
  deleteDraft(mediaId: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/draft/delete',
      body: { media_id: mediaId },
      ...options,
    });
  }

  /**
   * Replace one article of a draft. `POST /cgi-bin/draft/update`.
   * @param index - 0-based position of the article.
   */
  updateDraft(
    mediaId: string,
    index: number,
    article: DraftArticle,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/draft/update',
      body: { media_id: mediaId, index, articles: article },
      ...options,
    });
  }

  /** Number of drafts. `GET /cgi-bin/draft/count`. */
  getDraftCount(options?: CallOptions): Promise<DraftCountResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/draft/count', ...options });
  }

  /**
   * A page of drafts. `POST /cgi-bin/draft/batchget`.
   * @param count - 1 to 20.
   * @param noContent - leave out the articles' `content`.
   */
  getDraftList(
    offset: number,
    count: number,
    noContent = false,
    options?: CallOptions,
  ): Promise<DraftListResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/draft/batchget',
      body: { offset, count, no_content: noContent ? 1 : 0 },
      ...options,
    });
  }

  /** Publish a draft. `POST /cgi-bin/freepublish/submit`. Poll `getPublishStatus` for the result. */
  submitPublish(mediaId: string, options?: CallOptions): Promise<SubmitPublishResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/freepublish/submit',
      body: { media_id: mediaId },
      ...options,
    });
  }

  /** State of a publish task. `POST /cgi-bin/freepublish/get`. */
  getPublishStatus(publishId: BigId, options?: CallOptions): Promise<PublishStatusResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/freepublish/get',
      // Sent as a string, as WeChat's reference gives it; its digits are kept either way.
      body: { publish_id: toBigIdNumber(publishId).toString() },
      ...options,
    });
  }

  /**
   * Delete a published article. `POST /cgi-bin/freepublish/delete`.
   * @param index - 1-based article to delete; 0 (default) deletes all.
   */
  deletePublished(articleId: string, index = 0, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/freepublish/delete',
      body: { article_id: articleId, index },
      ...options,
    });
  }

  /** A published article. `POST /cgi-bin/freepublish/getarticle`. */
  getPublishedArticle(articleId: string, options?: CallOptions): Promise<NewsItemResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/freepublish/getarticle',
      body: { article_id: articleId },
      ...options,
    });
  }

  /**
   * A page of published articles. `POST /cgi-bin/freepublish/batchget`.
   * @param count - 1 to 20.
   */
  getPublishedList(
    offset: number,
    count: number,
    noContent = false,
    options?: CallOptions,
  ): Promise<PublishedListResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/freepublish/batchget',
      body: { offset, count, no_content: noContent ? 1 : 0 },
      ...options,
    });
  }
}
