import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import type { MediaDownload, MediaInput, MediaUploadOptions } from './media.js';

/** Kind of a temporary media file. */
export type MediaType = 'image' | 'voice' | 'video' | 'thumb';

/** Kind of a permanent material, for listing. */
export type MaterialType = 'image' | 'voice' | 'video' | 'news';

/** What `uploadMedia` returns. */
export interface UploadMediaResult extends WeChatResult {
  type: string;
  /** Valid for 3 days. For `thumb` uploads WeChat names it `thumb_media_id`. */
  media_id?: string;
  thumb_media_id?: string;
  created_at: number;
}

/** What the permanent upload methods return. */
export interface UploadMaterialResult extends WeChatResult {
  media_id: string;
  /** For images: the image's URL. */
  url?: string;
}

/** What `uploadNewsPicture` returns. */
export interface UploadImageResult extends WeChatResult {
  /** URL to use inside article content. */
  url: string;
}

/** An article of permanent news material or a draft. */
export interface NewsArticle {
  title: string;
  /** Permanent media id of the cover image. */
  thumb_media_id: string;
  author?: string;
  digest?: string;
  /** 0 or 1. */
  show_cover_pic?: number;
  /** HTML; images must come from `uploadNewsPicture`. */
  content: string;
  /** "Read more" link. */
  content_source_url?: string;
  need_open_comment?: number;
  only_fans_can_comment?: number;
}

/** What `addNews` returns. */
export interface AddNewsResult extends WeChatResult {
  media_id: string;
}

/** What `uploadNews` returns. */
export interface UploadNewsResult extends WeChatResult {
  type: string;
  media_id: string;
  created_at: number;
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

/** Options of the upload methods. */
export type UploadOptions = CallOptions & MediaUploadOptions;

/** Temporary media and permanent material (seed 7.6). */
export class MediaApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Upload a temporary media file (kept 3 days). `POST /cgi-bin/media/upload?type=…`.
   *
   * @param media - a path, Buffer, Blob or readable stream.
   * @example
   * ```ts
   * const { media_id } = await client.uploadMedia('image', './cat.jpg');
   * await client.sendImageMessage(openId, media_id!);
   * ```
   */
  uploadMedia(
    type: MediaType,
    media: MediaInput,
    options?: UploadOptions,
  ): Promise<UploadMediaResult> {
    return this.#api.upload('/cgi-bin/media/upload', media, { type }, options);
  }

  /**
   * Download a temporary media file. `GET /cgi-bin/media/get?media_id=…`. For a video WeChat
   * answers with JSON (`{"video_url": …}`), returned as `data` with a JSON `contentType`.
   */
  downloadMedia(mediaId: string, options?: CallOptions): Promise<MediaDownload> {
    return this.#api.download({
      method: 'GET',
      path: '/cgi-bin/media/get',
      query: { media_id: mediaId },
      ...options,
    });
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

  /** Upload an image for use inside article content (jpg/png, < 1 MB). `POST /cgi-bin/media/uploadimg`. */
  uploadNewsPicture(file: MediaInput, options?: UploadOptions): Promise<UploadImageResult> {
    return this.#api.upload('/cgi-bin/media/uploadimg', file, {}, options);
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

  /** Upload news for a mass message (`mpnews`). `POST /cgi-bin/media/uploadnews`. */
  uploadNews(articles: NewsArticle[], options?: CallOptions): Promise<UploadNewsResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/media/uploadnews',
      body: { articles },
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
