import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import { type DataCubeDate, dataCubeRange } from './date-range.js';

/** 数据统计接口的返回：`list` 里每天（或每小时）一项。A data API's answer: one item a day (or hour). */
export interface DataCubeResult<T> extends WeChatResult {
  list: T[];
}

/** 用户增减。New and lost followers of a day, by source. */
export interface UserSummaryItem {
  ref_date: string;
  /** 关注来源，如 0 其他、1 搜索、17 名片分享、30 扫码。Where they came from. */
  user_source: number;
  new_user: number;
  cancel_user: number;
}

/** 累计用户。The followers at the end of a day. */
export interface UserCumulateItem {
  ref_date: string;
  cumulate_user: number;
}

/** 图文的阅读、分享、收藏数。Reads, shares and favourites. */
export interface ArticleStats {
  int_page_read_user: number;
  int_page_read_count: number;
  ori_page_read_user: number;
  ori_page_read_count: number;
  share_user: number;
  share_count: number;
  add_to_fav_user: number;
  add_to_fav_count: number;
}

/** 一篇图文一天的数据。One article's figures of a day. */
export interface ArticleSummaryItem extends ArticleStats {
  ref_date: string;
  /** 图文 id，如 `10000050_1`。The article's id, `msgdataid_index`. */
  msgid: string;
  title: string;
}

/** 一篇图文自群发起每天的数据。One article's figures, day by day since it was sent. */
export interface ArticleTotalItem {
  ref_date: string;
  msgid: string;
  title: string;
  details: Array<ArticleStats & { stat_date: string; target_user: number }>;
}

/** 图文阅读概况（按天或按小时）。Article reads of a day (or an hour of it). */
export interface UserReadItem extends ArticleStats {
  ref_date: string;
  /** 按小时时为 0–2300。For hourly figures: 0 to 2300. */
  ref_hour?: number;
  /** 按小时时的来源。For hourly figures: where readers came from. */
  user_source?: number;
}

/** 图文分享（按天或按小时）。Article shares of a day (or an hour), by where. */
export interface UserShareItem {
  ref_date: string;
  ref_hour?: number;
  /** 1 好友转发，2 朋友圈，255 其他。1 friends, 2 Moments, 255 other. */
  share_scene: number;
  share_count: number;
  share_user: number;
}

/** 用户发来的消息（按天、小时、周、月）。Messages users sent, by type. */
export interface UpstreamMsgItem {
  ref_date: string;
  ref_hour?: number;
  /** 1 文字，2 图片，3 语音，4 视频，6 第三方应用消息。1 text, 2 image, 3 voice, 4 video, 6 app. */
  msg_type: number;
  msg_user: number;
  msg_count: number;
}

/** 发消息次数的分布。How many users sent how many messages. */
export interface UpstreamMsgDistItem {
  ref_date: string;
  /** 0 “0”，1 “1–5”，2 “6–10”，3 “10 次以上”。The interval of message counts. */
  count_interval: number;
  msg_user: number;
}

/** 接口调用概况（按天或按小时）。Calls WeChat made to this server. */
export interface InterfaceSummaryItem {
  ref_date: string;
  ref_hour?: number;
  /** 被动回复用户消息的次数。Messages WeChat pushed to the bot. */
  callback_count: number;
  /** 失败次数。Pushes that failed. */
  fail_count: number;
  /** 总耗时（毫秒）。Total time the bot took, in ms. */
  total_time_cost: number;
  /** 最大耗时（毫秒）。Longest time, in ms. */
  max_time_cost: number;
}

/**
 * 数据统计（用户、图文、消息、接口分析）。Data analysis (用户/图文/消息/接口分析).
 *
 * 每个方法先检查日期范围：结束日最晚为昨天（北京时间），跨度（含首尾）不超过该接口允许的天数；
 * 不合规时以 `RangeError` 拒绝，不发请求。`end` 省略时与 `begin` 同一天。
 * Each method checks its range first — end no later than yesterday (Beijing time), at most the
 * API's span counting both ends — and rejects with a `RangeError` before any call. `end`
 * defaults to `begin`.
 */
export class DataCubeApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  async #query<T>(
    name: string,
    endpoint: string,
    maxDays: number,
    begin: DataCubeDate,
    end: DataCubeDate,
    options: CallOptions | undefined,
  ): Promise<DataCubeResult<T>> {
    const body = dataCubeRange(name, begin, end, maxDays);
    return await this.#api.call({
      method: 'POST',
      path: `/datacube/${endpoint}`,
      body,
      ...options,
    });
  }

  /**
   * 获取用户增减数据，最多 7 天。`POST /datacube/getusersummary`。
   *
   * New and lost followers, day by day (7 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUserSummary('2024-01-01', '2024-01-07');
   * ```
   */
  getUserSummary(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserSummaryItem>> {
    return this.#query('getUserSummary', 'getusersummary', 7, begin, end, options);
  }

  /**
   * 获取累计用户数据，最多 7 天。`POST /datacube/getusercumulate`。
   *
   * The number of followers at the end of each day (7 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUserCumulate('2024-01-01', '2024-01-07');
   * ```
   */
  getUserCumulate(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserCumulateItem>> {
    return this.#query('getUserCumulate', 'getusercumulate', 7, begin, end, options);
  }

  /**
   * 获取图文群发每日数据，一次 1 天。`POST /datacube/getarticlesummary`。
   *
   * Each article's figures of one day.
   *
   * @example
   * ```ts
   * const { list } = await client.getArticleSummary('2024-01-01');
   * ```
   */
  getArticleSummary(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<ArticleSummaryItem>> {
    return this.#query('getArticleSummary', 'getarticlesummary', 1, begin, end, options);
  }

  /**
   * 获取图文群发总数据，一次 1 天（该天群发的图文，其后每天的数据）。`POST /datacube/getarticletotal`。
   *
   * The articles sent on one day, with their figures for each day since.
   *
   * @example
   * ```ts
   * const { list } = await client.getArticleTotal('2024-01-01');
   * ```
   */
  getArticleTotal(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<ArticleTotalItem>> {
    return this.#query('getArticleTotal', 'getarticletotal', 1, begin, end, options);
  }

  /**
   * 获取图文统计数据，最多 3 天。`POST /datacube/getuserread`。
   *
   * Article reads, shares and favourites, day by day (3 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUserRead('2024-01-01', '2024-01-03');
   * ```
   */
  getUserRead(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserReadItem>> {
    return this.#query('getUserRead', 'getuserread', 3, begin, end, options);
  }

  /**
   * 获取图文统计分时数据，一次 1 天。`POST /datacube/getuserreadhour`。
   *
   * Article reads hour by hour, of one day.
   *
   * @example
   * ```ts
   * const { list } = await client.getUserReadHour('2024-01-01');
   * ```
   */
  getUserReadHour(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserReadItem>> {
    return this.#query('getUserReadHour', 'getuserreadhour', 1, begin, end, options);
  }

  /**
   * 获取图文分享转发数据，最多 7 天。`POST /datacube/getusershare`。
   *
   * Article shares by where they went, day by day (7 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUserShare('2024-01-01', '2024-01-07');
   * ```
   */
  getUserShare(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserShareItem>> {
    return this.#query('getUserShare', 'getusershare', 7, begin, end, options);
  }

  /**
   * 获取图文分享转发分时数据，一次 1 天。`POST /datacube/getusersharehour`。
   *
   * Article shares hour by hour, of one day.
   *
   * @example
   * ```ts
   * const { list } = await client.getUserShareHour('2024-01-01');
   * ```
   */
  getUserShareHour(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UserShareItem>> {
    return this.#query('getUserShareHour', 'getusersharehour', 1, begin, end, options);
  }

  /**
   * 获取消息发送概况数据，最多 7 天。`POST /datacube/getupstreammsg`。
   *
   * Messages users sent, by type, day by day (7 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsg('2024-01-01', '2024-01-07');
   * ```
   */
  getUpstreamMsg(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgItem>> {
    return this.#query('getUpstreamMsg', 'getupstreammsg', 7, begin, end, options);
  }

  /**
   * 获取消息发送分时数据，一次 1 天。`POST /datacube/getupstreammsghour`。
   *
   * Messages users sent, hour by hour, of one day.
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgHour('2024-01-01');
   * ```
   */
  getUpstreamMsgHour(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgItem>> {
    return this.#query('getUpstreamMsgHour', 'getupstreammsghour', 1, begin, end, options);
  }

  /**
   * 获取消息发送周数据，最多 30 天（数据记在每周一）。`POST /datacube/getupstreammsgweek`。
   *
   * Messages users sent, week by week (30 days at most; a week's figures are dated its Monday).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgWeek('2024-01-01', '2024-01-28');
   * ```
   */
  getUpstreamMsgWeek(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgItem>> {
    return this.#query('getUpstreamMsgWeek', 'getupstreammsgweek', 30, begin, end, options);
  }

  /**
   * 获取消息发送月数据，最多 30 天（数据记在每月 1 日）。`POST /datacube/getupstreammsgmonth`。
   *
   * Messages users sent, month by month (30 days at most; a month's figures are dated its 1st).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgMonth('2024-01-01', '2024-01-05');
   * ```
   */
  getUpstreamMsgMonth(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgItem>> {
    return this.#query('getUpstreamMsgMonth', 'getupstreammsgmonth', 30, begin, end, options);
  }

  /**
   * 获取消息发送分布数据，最多 15 天。`POST /datacube/getupstreammsgdist`。
   *
   * How many users sent how many messages, day by day (15 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgDist('2024-01-01', '2024-01-15');
   * ```
   */
  getUpstreamMsgDist(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgDistItem>> {
    return this.#query('getUpstreamMsgDist', 'getupstreammsgdist', 15, begin, end, options);
  }

  /**
   * 获取消息发送分布周数据，最多 30 天。`POST /datacube/getupstreammsgdistweek`。
   *
   * How many users sent how many messages, week by week (30 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgDistWeek('2024-01-01', '2024-01-28');
   * ```
   */
  getUpstreamMsgDistWeek(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgDistItem>> {
    return this.#query('getUpstreamMsgDistWeek', 'getupstreammsgdistweek', 30, begin, end, options);
  }

  /**
   * 获取消息发送分布月数据，最多 30 天。`POST /datacube/getupstreammsgdistmonth`。
   *
   * How many users sent how many messages, month by month (30 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getUpstreamMsgDistMonth('2024-01-01', '2024-01-05');
   * ```
   */
  getUpstreamMsgDistMonth(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<UpstreamMsgDistItem>> {
    return this.#query(
      'getUpstreamMsgDistMonth',
      'getupstreammsgdistmonth',
      30,
      begin,
      end,
      options,
    );
  }

  /**
   * 获取接口分析数据，最多 30 天。`POST /datacube/getinterfacesummary`。
   *
   * How WeChat's pushes to this server went, day by day (30 days at most).
   *
   * @example
   * ```ts
   * const { list } = await client.getInterfaceSummary('2024-01-01', '2024-01-30');
   * ```
   */
  getInterfaceSummary(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<InterfaceSummaryItem>> {
    return this.#query('getInterfaceSummary', 'getinterfacesummary', 30, begin, end, options);
  }

  /**
   * 获取接口分析分时数据，一次 1 天。`POST /datacube/getinterfacesummaryhour`。
   *
   * How WeChat's pushes to this server went, hour by hour, of one day.
   *
   * @example
   * ```ts
   * const { list } = await client.getInterfaceSummaryHour('2024-01-01');
   * ```
   */
  getInterfaceSummaryHour(
    begin: DataCubeDate,
    end: DataCubeDate = begin,
    options?: CallOptions,
  ): Promise<DataCubeResult<InterfaceSummaryItem>> {
    return this.#query(
      'getInterfaceSummaryHour',
      'getinterfacesummaryhour',
      1,
      begin,
      end,
      options,
    );
  }
}
