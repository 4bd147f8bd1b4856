import type {
  ApiCaller,
  CallOptions,
  JsonBody,
  Query,
  UploadCallOptions,
  WeChatResult,
} from './core.js';
import type { MediaDownload, MediaInput } from './media.js';

/** `post` 的选项：超时，以及 `access_token` 之外的查询参数。Options of `post`: a timeout and query parameters. */
export interface RawCallOptions extends CallOptions {
  /** Query parameters besides `access_token`; `undefined` values are left out. */
  query?: Query;
}

/** `upload` 的选项。Options of `upload`: the file's name and type, the field, extra fields, the query. */
export interface RawUploadOptions extends UploadCallOptions {
  /** Query parameters besides `access_token` (e.g. `{ type: 'image' }`). */
  query?: Query;
  /** Text fields sent before the file (e.g. `description` of a video). */
  fields?: Record<string, string>;
}

/** `download` 的选项。Options of `download`: with a `body` the call is a POST, else a GET. */
export interface RawDownloadOptions extends CallOptions {
  /** Query parameters besides `access_token`. */
  query?: Query;
  /** A JSON body: sends `POST` (as `/cgi-bin/material/get_material` wants); without it, `GET`. */
  body?: JsonBody;
}

/** Paths are relative to `baseUrl`: `/cgi-bin/…`, never a full URL (the call rejects with a TypeError). */
function checkPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new TypeError(
      `WeChat API path must start with one "/", e.g. /cgi-bin/menu/get; got ${path}`,
    );
  }
  return path;
}

/**
 * Any API by its path, with everything the wrapped methods get: the access token added, `errcode`
 * thrown as `WeChatApiError`, one retry after a rejected token, 64-bit ids kept as strings.
 */
export class RawApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * 以 GET 调用任意接口（自动带上 access token，`errcode` 非 0 时抛出 `WeChatApiError`，token 失效时刷新并重试一次，
   * 64 位 ID 以字符串返回）。
   *
   * Call any GET API by its path: the access token is added, a non-zero `errcode` throws
   * `WeChatApiError`, a rejected token (40001/42001) is refreshed and the call retried once, and
   * 64-bit ids come back as strings. `T` is the answer's type (default {@link WeChatResult}).
   *
   * @param path - the path under `baseUrl`, e.g. `/cgi-bin/get_api_domain_ip`.
   * @param query - query parameters besides `access_token`.
   * @example
   * ```ts
   * const { ip_list } = await client.get<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip');
   * ```
   */
  async get<T = WeChatResult>(path: string, query?: Query, options?: CallOptions): Promise<T> {
    return this.#api.call<T>({
      method: 'GET',
      path: checkPath(path),
      query,
      timeout: options?.timeout,
    });
  }

  /**
   * 以 POST 调用任意接口，`body` 作为 JSON 发送（`bigint` 按数字原样写出）。
   *
   * Call any POST API by its path with a JSON body (default `{}`); a `bigint` is written as a bare
   * number with every digit, as 64-bit ids must be sent. Same token, error and retry rules as
   * {@link RawApi.get}.
   *
   * @example
   * ```ts
   * import type { WeChatResult } from 'zgrobot/client';
   *
   * interface ShortKey extends WeChatResult { short_key: string }
   * const { short_key } = await client.post<ShortKey>('/cgi-bin/shorten/gen', {
   *   long_data: 'loooooong data',
   *   expire_seconds: 86400,
   * });
   * ```
   */
  async post<T = WeChatResult>(
    path: string,
    body: JsonBody = {},
    options?: RawCallOptions,
  ): Promise<T> {
    return this.#api.call<T>({
      method: 'POST',
      path: checkPath(path),
      query: options?.query,
      body,
      timeout: options?.timeout,
    });
  }

  /**
   * 以 multipart 上传文件到任意接口（字段名默认 `media`）。
   *
   * Upload a file to any API as `multipart/form-data`: the file in the field `media` (or
   * `fieldName`), `fields` as text fields before it. The file may be a path, Buffer, Blob or
   * readable stream. Same token, error and retry rules as {@link RawApi.get}.
   *
   * @example
   * ```ts
   * const { media_id } = await client.upload<{ media_id: string }>(
   *   '/cgi-bin/media/upload', './cat.jpg', { query: { type: 'image' } },
   * );
   * ```
   */
  async upload<T = WeChatResult>(
    path: string,
    media: MediaInput,
    options?: RawUploadOptions,
  ): Promise<T> {
    return this.#api.upload<T>(
      checkPath(path),
      media,
      options?.query ?? {},
      options,
      options?.fields,
    );
  }

  /**
   * 下载任意接口返回的文件；带 `body` 时用 POST。失败时微信返回的 JSON 错误包抛出 `WeChatApiError`。
   *
   * Download a file from any API: `GET`, or `POST` with `body`. A JSON error body (WeChat's way
   * of failing a download) throws `WeChatApiError`; a JSON answer that is not an error comes back
   * as `data` with its JSON `contentType`.
   *
   * @example
   * ```ts
   * const { data, contentType } = await client.download('/cgi-bin/media/get', {
   *   query: { media_id: 'MEDIA_ID' },
   * });
   * ```
   */
  async download(path: string, options?: RawDownloadOptions): Promise<MediaDownload> {
    return this.#api.download({
      method: options?.body === undefined ? 'GET' : 'POST',
      path: checkPath(path),
      query: options?.query,
      body: options?.body,
      timeout: options?.timeout,
    });
  }
}
