import type { ApiCaller, CallOptions, JsonBody, WeChatResult } from './core.js';

/** A value of a template message's `data`. */
export interface TemplateDataItem {
  value: string;
  /** Legacy; ignored by WeChat today. */
  color?: string;
}

/** Mini program to open from a template message. */
export interface TemplateMiniprogram {
  appid: string;
  pagepath?: string;
}

/** What `sendTemplateMessage` returns. */
export interface TemplateSendResult extends WeChatResult {
  /** The message id (a 64-bit number, kept as a string). */
  msgid: string;
}

/** Template messages. */
export class TemplateApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Send a template message. `POST /cgi-bin/message/template/send`.
   *
   * @example
   * ```ts
   * await client.sendTemplateMessage(openId, 'TEMPLATE_ID', { name: { value: '张三' } }, 'https://example.com');
   * ```
   */
  sendTemplateMessage(
    userId: string,
    templateId: string,
    data: Record<string, TemplateDataItem>,
    url = '',
    miniprogram?: TemplateMiniprogram,
    options?: CallOptions,
  ): Promise<TemplateSendResult> {
    const body: JsonBody = { touser: userId, template_id: templateId, url, data };
    if (miniprogram) body.miniprogram = miniprogram;
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/template/send',
      body,
      ...options,
    });
  }
}
