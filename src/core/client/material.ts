import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import type { MediaDownload, MediaInput } from './media.js';
import type { MediaType, NewsArticle, UploadOptions } from './media-methods.js';

/** Kind of a permanent material, for listing. */
export type MaterialType = 'image' | 'voice' | 'video' | 'news';

/** What the permanent upload methods return. */
export interface UploadMaterialResult extends WeChatResult {
  media_id: string;
  /** For images: the image's URL. */
  url?: string;
}

/** What `addNews` returns. */
export interface AddNewsResult extends WeChatResult {
  media_id: string;
}

/** Argument of `updateNews`. */
export interface UpdateNewsRequest {
  media_id: string;
  /** 0-based position of the article in the material. */
  index: number;
  articles: NewsArticle;
}

/** What `getMediaCount` returns. */
export interface MediaCountResult extends WeChatResult {
  voice_count: number;
  video_count: number;
  image_count: number;
  news_count: number;
}

/** One item of `getMediaList`. News items carry `content`, files carry `name` and `url`. */
export interface MaterialItem {
  media_id: string;
  update_time: number;
  name?: string;
  url?: string;
  content?: { news_item: Array<NewsArticle & { url?: string }> };
}

/** What `getMediaList` returns. */
export interface MediaListResult extends WeChatResult {
  total_count: number;
  item_count: number;
  item: MaterialItem[];
}

/** Permanent material. News material is retired: use drafts (`addDraft`). */
export class MaterialApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Add permanent news material. `POST /cgi-bin/material/add_news`.
   * @deprecated WeChat retired this API; use `addDraft` then `submitPublish`.
   */
  addNews(articles: NewsArticle[], options?: CallOptions): Promise<AddNewsResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/material/add_news',
      body: { articles },
      ...options,
    });
  }

  /** Upload a permanent image, voice or thumb. `POST /cgi-bin/material/add_material?type=…`. */
  uploadPermanentMedia(
    type: Exclude<MediaType, 'video'>,
    media: MediaInput,
    options?: UploadOptions,
  ): Promise<UploadMaterialResult> {
    return this.#api.upload('/cgi-bin/material/add_material', media, { type }, options);
  }

  /**
   * Upload a permanent video; title and introduction go in the form field `description`.
   * `POST /cgi-bin/material/add_material?type=video`.
   */
  uploadPermanentVideo(
    title: string,
    introduction: string,
    video: MediaInput,
    options?: UploadOptions,
  ): Promise<UploadMaterialResult> {
    return this.#api.upload('/cgi-bin/material/add_material', video, { type: 'video' }, options, {
      description: JSON.stringify({ title, introduction }),
    });
  }

  /**
   * Download permanent material. `POST /cgi-bin/material/get_material`. News and video
   * material come back as JSON (returned as `data` with a JSON `contentType`).
   */
  downloadPermanentMedia(mediaId: string, options?: CallOptions): Promise<MediaDownload> {
    return this.#api.download({
      method: 'POST',
      path: '/cgi-bin/material/get_material',
      body: { media_id: mediaId },
      ...options,
    });
  }

  /** Delete permanent material. `POST /cgi-bin/material/del_material`. */
  deletePermanentMedia(mediaId: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/material/del_material',
      body: { media_id: mediaId },
      ...options,
    });
  }

  /**
   * Change one article of permanent news material. `POST /cgi-bin/material/update_news`.
   * @deprecated WeChat retired this API; use `updateDraft`.
   */
  updateNews(updateData: UpdateNewsRequest, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/material/update_news',
      body: { ...updateData },
      ...options,
    });
  }

  /** Counts of permanent material. `GET /cgi-bin/material/get_materialcount`. */
  getMediaCount(options?: CallOptions): Promise<MediaCountResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/material/get_materialcount',
      ...options,
    });
  }

  /**
   * A page of permanent material. `POST /cgi-bin/material/batchget_material`.
   * @param offset - 0 for the first item.
   * @param count - 1 to 20.
   */
  getMediaList(
    type: MaterialType,
    offset: number,
    count: number,
    options?: CallOptions,
  ): Promise<MediaListResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/material/batchget_material',
      body: { type, offset, count },
      ...options,
    });
  }
}
