import type { ApiCaller, CallOptions, JsonBody, WeChatResult } from './core.js';

/** 订阅通知的一个字段值。A value of a subscription message's `data`. */
export interface SubscribeDataItem {
  /** 例如 `thing1` 不超过 20 个字。The value, as the keyword's rule allows. */
  value: string;
}

/** 发送订阅通知的内容。What `sendSubscribeMessage` sends. */
export interface SubscribeMessage {
  /** 接收者的 OpenID。The user's OpenID. */
  touser: string;
  /** 所用的订阅模板 id。The subscription template's id (`priTmplId`). */
  template_id: string;
  /** 模板内容，如 `{ thing1: { value: '已发货' } }`。The template's keywords and their values. */
  data: Record<string, SubscribeDataItem>;
  /** 点击后打开的网页（不跳小程序时）。A web page opened on tap. */
  page?: string;
  /** 点击后打开的小程序。A mini program page opened on tap. */
  miniprogram?: { appid: string; pagepath: string };
}

/** 公众号类目。A category of the account (`getSubscribeCategories`). */
export interface SubscribeCategory {
  id: number;
  name: string;
}

/** What `getSubscribeCategories` returns. */
export interface SubscribeCategoriesResult extends WeChatResult {
  data: SubscribeCategory[];
}

/** 公共模板标题。A public template title of a category. */
export interface PubTemplateTitle {
  /** 模板标题 id，选用模板时用。The title's id, for `addSubscribeTemplate`. */
  tid: number;
  title: string;
  /** 2 一次性订阅，3 长期订阅。2 one-time, 3 long-term. */
  type: number;
  categoryId: string;
}

/** What `getPubTemplateTitles` returns. */
export interface PubTemplateTitlesResult extends WeChatResult {
  /** 公共模板总数。How many titles the categories have. */
  count: number;
  data: PubTemplateTitle[];
}

/** 公共模板的关键词。A keyword of a public template. */
export interface PubTemplateKeyword {
  /** 关键词 id，选用模板时用。The keyword's id, for `addSubscribeTemplate`. */
  kid: number;
  name: string;
  example: string;
  /** 参数类型，如 `thing`、`time`。The value's rule. */
  rule: string;
}

/** What `getPubTemplateKeywords` returns. */
export interface PubTemplateKeywordsResult extends WeChatResult {
  count: number;
  data: PubTemplateKeyword[];
}

/** What `addSubscribeTemplate` returns. */
export interface AddSubscribeTemplateResult extends WeChatResult {
  /** 添加到帐号下的模板 id，发送时用。The template's id in the account, to send with. */
  priTmplId: string;
}

/** 帐号下的订阅模板。A subscription template of the account. */
export interface SubscribeTemplate {
  priTmplId: string;
  title: string;
  /** 模板内容，如 `会议时间:{{date2.DATA}}`。The template's content. */
  content: string;
  example: string;
  /** 2 一次性订阅，3 长期订阅。2 one-time, 3 long-term. */
  type: number;
}

/** What `getSubscribeTemplates` returns. */
export interface SubscribeTemplatesResult extends WeChatResult {
  data: SubscribeTemplate[];
}

/** 订阅通知：发送与模板库。Subscription messages (订阅通知): sending and the template library. */
export class SubscribeMessageApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * 发送订阅通知（用户须已订阅该模板）。`POST /cgi-bin/message/subscribe/bizsend`。
   *
   * Send a subscription message to a user who subscribed to its template.
   *
   * @example
   * ```ts
   * await client.sendSubscribeMessage({
   *   touser: openId,
   *   template_id: 'TEMPLATE_ID',
   *   page: 'https://example.com/order/1',
   *   data: { thing1: { value: '订单已发货' }, time2: { value: '2024-01-01 12:00' } },
   * });
   * ```
   */
  sendSubscribeMessage(message: SubscribeMessage, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/subscribe/bizsend',
      body: { ...message } as JsonBody,
      ...options,
    });
  }

  /**
   * 获取公众号的类目。`GET /wxaapi/newtmpl/getcategory`。
   *
   * The account's categories, whose public templates it may use.
   *
   * @example
   * ```ts
   * const { data } = await client.getSubscribeCategories(); // [{ id: 616, name: '公交' }]
   * ```
   */
  getSubscribeCategories(options?: CallOptions): Promise<SubscribeCategoriesResult> {
    return this.#api.call({ method: 'GET', path: '/wxaapi/newtmpl/getcategory', ...options });
  }

  /**
   * 获取类目下的公共模板标题。`GET /wxaapi/newtmpl/getpubtemplatetitles`。
   *
   * The public template titles of some categories, a page at a time (`limit` at most 30).
   *
   * @param categoryIds - 类目 id（`getSubscribeCategories` 所得）。Category ids.
   * @example
   * ```ts
   * const { count, data } = await client.getPubTemplateTitles([616], 0, 30);
   * ```
   */
  getPubTemplateTitles(
    categoryIds: readonly (number | string)[],
    start = 0,
    limit = 30,
    options?: CallOptions,
  ): Promise<PubTemplateTitlesResult> {
    return this.#api.call({
      method: 'GET',
      path: '/wxaapi/newtmpl/getpubtemplatetitles',
      query: { ids: categoryIds.join(','), start, limit },
      ...options,
    });
  }

  /**
   * 获取公共模板的关键词。`GET /wxaapi/newtmpl/getpubtemplatekeywords`。
   *
   * The keywords of a public template title, to pick from when adding it.
   *
   * @example
   * ```ts
   * const { data } = await client.getPubTemplateKeywords(99); // [{ kid: 1, name: '物品名称', … }]
   * ```
   */
  getPubTemplateKeywords(
    tid: number | string,
    options?: CallOptions,
  ): Promise<PubTemplateKeywordsResult> {
    return this.#api.call({
      method: 'GET',
      path: '/wxaapi/newtmpl/getpubtemplatekeywords',
      query: { tid },
      ...options,
    });
  }

  /**
   * 选用公共模板，添加到帐号下。`POST /wxaapi/newtmpl/addtemplate`。
   *
   * Add a public template to the account with the keywords picked (2 to 5, in the order given).
   *
   * @param sceneDesc - 服务场景描述，15 个字以内。What the notifications are for.
   * @example
   * ```ts
   * const { priTmplId } = await client.addSubscribeTemplate(99, [3, 5, 4], '订单发货提醒');
   * ```
   */
  addSubscribeTemplate(
    tid: number | string,
    kidList: readonly number[],
    sceneDesc?: string,
    options?: CallOptions,
  ): Promise<AddSubscribeTemplateResult> {
    return this.#api.call({
      method: 'POST',
      path: '/wxaapi/newtmpl/addtemplate',
      body: { tid: String(tid), kidList: [...kidList], sceneDesc },
      ...options,
    });
  }

  /**
   * 删除帐号下的订阅模板。`POST /wxaapi/newtmpl/deltemplate`。
   *
   * Delete a subscription template of the account.
   *
   * @example
   * ```ts
   * await client.deleteSubscribeTemplate('wDYzYZVxobJivW9oMpSCpuvACOfJXQIoKUm0PY397Tc');
   * ```
   */
  deleteSubscribeTemplate(priTmplId: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/wxaapi/newtmpl/deltemplate',
      body: { priTmplId },
      ...options,
    });
  }

  /**
   * 获取帐号下的订阅模板列表。`GET /wxaapi/newtmpl/gettemplate`。
   *
   * The subscription templates of the account.
   *
   * @example
   * ```ts
   * const { data } = await client.getSubscribeTemplates();
   * ```
   */
  getSubscribeTemplates(options?: CallOptions): Promise<SubscribeTemplatesResult> {
    return this.#api.call({ method: 'GET', path: '/wxaapi/newtmpl/gettemplate', ...options });
  }
}
