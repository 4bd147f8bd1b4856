import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import type { MediaDownload } from './media.js';

/** What `getIpList` returns. */
export interface IpListResult extends WeChatResult {
  /** Addresses and CIDR ranges WeChat calls your server from. */
  ip_list: string[];
}

/** Parameters of a QR code with a scene (`createQrcode`). */
export interface QrcodeRequest {
  /** Temporary codes: lifetime in seconds, at most 2 592 000 (30 days). Default 60. */
  expire_seconds?: number;
  /** `QR_SCENE`/`QR_STR_SCENE` are temporary, `QR_LIMIT_SCENE`/`QR_LIMIT_STR_SCENE` permanent. */
  action_name: 'QR_SCENE' | 'QR_STR_SCENE' | 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE';
  action_info: { scene: { scene_id?: number; scene_str?: string } };
}

/** What `createQrcode` returns. */
export interface QrcodeResult extends WeChatResult {
  /** Exchange it for the image with `showQrcode`. */
  ticket: string;
  expire_seconds?: number;
  /** The URL the QR code encodes. */
  url: string;
}

/** WeChat server addresses and QR codes. */
export class AccountApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /** Addresses WeChat calls your server from. `GET /cgi-bin/getcallbackip`. */
  getIpList(options?: CallOptions): Promise<IpListResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/getcallbackip', ...options });
  }

  /**
   * Create a QR code carrying a scene value. `POST /cgi-bin/qrcode/create`.
   *
   * @example
   * ```ts
   * const { ticket } = await client.createQrcode({
   *   action_name: 'QR_LIMIT_STR_SCENE',
   *   action_info: { scene: { scene_str: 'poster-1' } },
   * });
   * const { data } = await client.showQrcode(ticket); // JPEG bytes
   * ```
   */
  createQrcode(data: QrcodeRequest, options?: CallOptions): Promise<QrcodeResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/qrcode/create',
      body: { ...data },
      ...options,
    });
  }

  /**
   * The QR code image for `ticket`. `GET https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=…`
   * (base URL: `mpBaseUrl`); needs no access token.
   */
  showQrcode(ticket: string, options?: CallOptions): Promise<MediaDownload> {
    return this.#api.download({
      method: 'GET',
      base: 'mp',
      path: '/cgi-bin/showqrcode',
      anonymous: true,
      query: { ticket },
      ...options,
    });
  }
}
