import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import type { MediaDownload, MediaInput, MediaUploadOptions } from './media.js';

/** Kind of a temporary media file. */
export type MediaType = 'image' | 'voice' | 'video' | 'thumb';

/** What `uploadMedia` returns. */
export interface UploadMediaResult extends WeChatResult {
  type: string;
  /** Valid for 3 days. For `thumb` uploads WeChat names it `thumb_media_id`. */
  media_id?: string;
  thumb_media_id?: string;
  created_at: number;
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

/** What `uploadNews` returns. */
export interface UploadNewsResult extends WeChatResult {
  type: string;
  media_id: string;
  created_at: number;
}

/** Options of the upload methods. */
export type UploadOptions = CallOptions & MediaUploadOptions;

/** Temporary media, images for articles and news for mass messages. */
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

  /** Upload an image for use inside article content (jpg/png, < 1 MB). `POST /cgi-bin/media/uploadimg`. */
  uploadNewsPicture(file: MediaInput, options?: UploadOptions): Promise<UploadImageResult> {
    return this.#api.upload('/cgi-bin/media/uploadimg', file, {}, options);
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
}
