import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import { type BigId, toBigIdNumber } from './json.js';

/** What `getCustomServiceSession` returns. */
export interface KfSessionResult extends WeChatResult {
  /** 接待的客服帐号；未接入时为空。The account serving the user; empty when none. */
  kf_account: string;
  /** 会话接入时间（UNIX 秒）。When the session began, in UNIX seconds. */
  createtime: number;
}

/** What `getCustomServiceSessionList` returns. */
export interface KfSessionListResult extends WeChatResult {
  sessionlist: Array<{ openid: string; createtime: number }>;
}

/** What `getCustomServiceWaitCase` returns. */
export interface KfWaitCaseResult extends WeChatResult {
  /** 等待接入的会话数。How many users wait. */
  count: number;
  /** 最早等待的在前，最多 100 个。The longest waiting first, 100 at most. */
  waitcaselist: Array<{ openid: string; latest_time: number }>;
}

/** 一条聊天记录。One entry of the chat records. */
export interface KfMessageRecord {
  openid: string;
  /** 2002 客服发送，2003 客服接收。2002 sent by the agent, 2003 received. */
  opercode: number;
  /** 聊天内容；图片、语音、视频为 `[image]` 等。The text (`[image]`… for media). */
  text: string;
  /** UNIX 秒。UNIX seconds. */
  time: number;
  /** 完整客服帐号。The agent's full account, `name@gh_xxx`. */
  worker: string;
}

/** What `getCustomServiceMessageRecords` asks for. */
export interface KfMessageRecordsQuery {
  /** 起始时间，UNIX 秒或 `Date`。Start, in UNIX seconds or a `Date`. */
  startTime: number | Date;
  /** 结束时间，与起始时间相差不超过 24 小时。End, at most 24 h after the start. */
  endTime: number | Date;
  /**
   * 从哪条消息起：第一页为 1（默认），之后用上次返回的 `msgid`。
   * Where to go on from: 1 (the default) at first, then the `msgid` of the page before.
   */
  msgId?: BigId;
  /** 每次最多取多少条，最多 10000（默认）。How many at most, 10 000 (the default) at most. */
  number?: number;
}

/** What `getCustomServiceMessageRecords` returns. */
export interface KfMessageRecordsResult extends WeChatResult {
  recordlist: KfMessageRecord[];
  /** 本次取到的条数；等于请求的 `number` 时还有下一页。How many came; as many as asked: more wait. */
  number: number;
  /** 下一页的起点（按 64 位 id 的规则，是字符串）。Where the next page starts (an id: a string). */
  msgid: string;
}

/** 客服输入状态的指令。The typing status command. */
export type TypingCommand = 'Typing' | 'CancelTyping';

const DAY_SECONDS = 24 * 60 * 60;

function unixSeconds(value: number | Date): number {
  return value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
}

/** 客服会话与输入状态。Customer-service sessions (客服会话), chat records and the typing status. */
export class KfSessionApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * 创建会话：让客服接入这个用户（客服须在线）。`POST /customservice/kfsession/create`。
   *
   * Open a session between an agent and a user (the agent must be online).
   *
   * @example
   * ```ts
   * await client.createCustomServiceSession('test1@gh_abc', message.source);
   * ```
   */
  createCustomServiceSession(
    kfAccount: string,
    openid: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/customservice/kfsession/create',
      body: { kf_account: kfAccount, openid },
      ...options,
    });
  }

  /**
   * 关闭会话。`POST /customservice/kfsession/close`。
   *
   * Close an agent's session with a user.
   *
   * @example
   * ```ts
   * await client.closeCustomServiceSession('test1@gh_abc', openId);
   * ```
   */
  closeCustomServiceSession(
    kfAccount: string,
    openid: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/customservice/kfsession/close',
      body: { kf_account: kfAccount, openid },
      ...options,
    });
  }

  /**
   * 获取用户的会话状态：哪个客服在接待。`GET /customservice/kfsession/getsession`。
   *
   * Which agent serves a user, and since when.
   *
   * @example
   * ```ts
   * const { kf_account } = await client.getCustomServiceSession(openId);
   * ```
   */
  getCustomServiceSession(openid: string, options?: CallOptions): Promise<KfSessionResult> {
    return this.#api.call({
      method: 'GET',
      path: '/customservice/kfsession/getsession',
      query: { openid },
      ...options,
    });
  }

  /**
   * 获取客服的会话列表。`GET /customservice/kfsession/getsessionlist`。
   *
   * The sessions an agent is serving now.
   *
   * @example
   * ```ts
   * const { sessionlist } = await client.getCustomServiceSessionList('test1@gh_abc');
   * ```
   */
  getCustomServiceSessionList(
    kfAccount: string,
    options?: CallOptions,
  ): Promise<KfSessionListResult> {
    return this.#api.call({
      method: 'GET',
      path: '/customservice/kfsession/getsessionlist',
      query: { kf_account: kfAccount },
      ...options,
    });
  }

  /**
   * 获取未接入会话列表（排队的用户）。`GET /customservice/kfsession/getwaitcase`。
   *
   * The users waiting for an agent.
   *
   * @example
   * ```ts
   * const { count, waitcaselist } = await client.getCustomServiceWaitCase();
   * ```
   */
  getCustomServiceWaitCase(options?: CallOptions): Promise<KfWaitCaseResult> {
    return this.#api.call({
      method: 'GET',
      path: '/customservice/kfsession/getwaitcase',
      ...options,
    });
  }

  /**
   * 获取聊天记录，一次一页。`POST /customservice/msgrecord/getmsglist`。时间段超过 24 小时、
   * 结束早于开始或 `number` 超过 10000 时不发请求，以 `RangeError` 拒绝。
   *
   * The chat records of a period of at most 24 hours, a page at a time; a longer or reversed
   * period, or `number` over 10 000, rejects with a `RangeError` before any call.
   *
   * @throws {RangeError} (rejects) for a period WeChat would refuse.
   * @example
   * ```ts
   * let msgId = 1;
   * for (;;) {
   *   const page = await client.getCustomServiceMessageRecords({ startTime, endTime, msgId });
   *   save(page.recordlist);
   *   if (page.number < 10000) break;
   *   msgId = page.msgid;
   * }
   * ```
   */
  async getCustomServiceMessageRecords(
    query: KfMessageRecordsQuery,
    options?: CallOptions,
  ): Promise<KfMessageRecordsResult> {
    const starttime = unixSeconds(query.startTime);
    const endtime = unixSeconds(query.endTime);
    const number = query.number ?? 10_000;
    if (!Number.isFinite(starttime) || !Number.isFinite(endtime) || endtime < starttime) {
      throw new RangeError(
        `getCustomServiceMessageRecords: the period ${starttime}…${endtime} is not a period (end before start)`,
      );
    }
    if (endtime - starttime > DAY_SECONDS) {
      throw new RangeError(
        `getCustomServiceMessageRecords: the period ${starttime}…${endtime} is longer than the 24 hours WeChat allows`,
      );
    }
    if (!Number.isInteger(number) || number < 1 || number > 10_000) {
      throw new RangeError(
        `getCustomServiceMessageRecords: number must be 1 to 10000, got ${number}`,
      );
    }
    return await this.#api.call({
      method: 'POST',
      path: '/customservice/msgrecord/getmsglist',
      body: { starttime, endtime, msgid: toBigIdNumber(query.msgId ?? 1), number },
      ...options,
    });
  }

  /**
   * 显示或取消“正在输入”（用户 30 秒内发过消息时可用；状态持续 15 秒，期间不能重复下发；
   * 给用户发消息会同时取消）。`POST /cgi-bin/message/custom/typing`。
   *
   * Show "typing…" to a user who wrote within 30 s (it lasts 15 s, and a message sent to the
   * user ends it), or take it away with `'CancelTyping'`.
   *
   * @example
   * ```ts
   * await client.sendTypingStatus(message.source); // 'Typing'
   * const answer = await slowLlm(message.content);
   * await client.sendTypingStatus(message.source, 'CancelTyping');
   * ```
   */
  sendTypingStatus(
    openid: string,
    command: TypingCommand = 'Typing',
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/custom/typing',
      body: { touser: openid, command },
      ...options,
    });
  }
}
