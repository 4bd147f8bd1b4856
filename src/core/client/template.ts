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

/** 行业的大类与细类。An industry as `getTemplateIndustry` names it. */
export interface TemplateIndustry {
  first_class: string;
  second_class: string;
}

/** What `getTemplateIndustry` returns. */
export interface TemplateIndustryResult extends WeChatResult {
  primary_industry: TemplateIndustry;
  secondary_industry: TemplateIndustry;
}

/** What `addTemplate` returns. */
export interface AddTemplateResult extends WeChatResult {
  /** 添加到帐号下的模板 id。The template's id in the account, to send with. */
  template_id: string;
}

/** 帐号下的模板。A template of the account. */
export interface PrivateTemplate {
  template_id: string;
  title: string;
  primary_industry: string;
  deputy_industry: string;
  /** 模板内容，如 `{{first.DATA}}`。The template's content. */
  content: string;
  example: string;
}

/** What `getAllPrivateTemplates` returns. */
export interface PrivateTemplatesResult extends WeChatResult {
  template_list: PrivateTemplate[];
}

/** Template messages and their templates: industry, add, list, delete. */
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

  /**
   * 设置所属行业（每月可改一次）。`POST /cgi-bin/template/api_set_industry`。
   *
   * Set the account's two industries, by the numbers of WeChat's industry table.
   *
   * @example
   * ```ts
   * await client.setTemplateIndustry(1, 4); // IT科技/互联网|电子商务，IT科技/电子技术
   * ```
   */
  setTemplateIndustry(
    industryId1: number | string,
    industryId2: number | string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/template/api_set_industry',
      body: { industry_id1: String(industryId1), industry_id2: String(industryId2) },
      ...options,
    });
  }

  /**
   * 获取设置的行业信息。`GET /cgi-bin/template/get_industry`。
   *
   * The account's two industries.
   *
   * @example
   * ```ts
   * const { primary_industry } = await client.getTemplateIndustry();
   * ```
   */
  getTemplateIndustry(options?: CallOptions): Promise<TemplateIndustryResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/template/get_industry', ...options });
  }

  /**
   * 从模板库添加模板，得到模板 id。`POST /cgi-bin/template/api_add_template`。
   *
   * Add a template of the library (its short id, `TM…` or `OPENTM…`) to the account; templates
   * of the newer category library also need the keyword names to use.
   *
   * @example
   * ```ts
   * const { template_id } = await client.addTemplate('TM00015', ['商品名称', '下单时间']);
   * ```
   */
  addTemplate(
    templateIdShort: string,
    keywordNames?: readonly string[],
    options?: CallOptions,
  ): Promise<AddTemplateResult> {
    const body: JsonBody = { template_id_short: templateIdShort };
    if (keywordNames) body.keyword_name_list = [...keywordNames];
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/template/api_add_template',
      body,
      ...options,
    });
  }

  /**
   * 获取帐号下的全部模板。`GET /cgi-bin/template/get_all_private_template`。
   *
   * Every template of the account.
   *
   * @example
   * ```ts
   * const { template_list } = await client.getAllPrivateTemplates();
   * ```
   */
  getAllPrivateTemplates(options?: CallOptions): Promise<PrivateTemplatesResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/template/get_all_private_template',
      ...options,
    });
  }

  /**
   * 删除帐号下的模板。`POST /cgi-bin/template/del_private_template`。
   *
   * Delete a template of the account.
   *
   * @example
   * ```ts
   * await client.deletePrivateTemplate('Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE');
   * ```
   */
  deletePrivateTemplate(templateId: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/template/del_private_template',
      body: { template_id: templateId },
      ...options,
    });
  }
}
