import type { ApiCaller, CallOptions, JsonBody, WeChatResult } from './core.js';
import { type BigId, toBigIdNumber } from './json.js';

/**
 * Kind of a mass message: `mpnews` (article), `text`, `voice`, `music`, `image`, `video`
 * (sent as `mpvideo`) or `wxcard`.
 */
export type MassMessageType = 'mpnews' | 'text' | 'voice' | 'music' | 'image' | 'video' | 'wxcard';

/** What `sendMassMsg` returns. `msg_id`/`msg_data_id` are 64-bit: kept as strings. */
export interface MassSendResult extends WeChatResult {
  msg_id: string;
  msg_data_id?: string;
}

/** What `sendMassPreviewToUser` returns. */
export interface MassPreviewResult extends WeChatResult {
  msg_id?: string;
}

/** What `getMassMsgStatus` returns. */
export interface MassStatusResult extends WeChatResult {
  msg_id: string;
  /** `SEND_SUCCESS`, `SENDING`, `SEND_FAIL` or `DELETE`. */
  msg_status: string;
}

/** What `getMassMsgSpeed` returns. */
export interface MassSpeedResult extends WeChatResult {
  /** 0 (fastest, 80w/min) to 4 (slowest, 10w/min). */
  speed: number;
  /** Messages per minute, in units of 10 000. */
  realspeed: number;
}

/** The `msgtype` and content object of a mass or preview message. */
function massContent(msgType: MassMessageType, content: string): JsonBody {
  switch (msgType) {
    case 'text':
      return { msgtype: 'text', text: { content } };
    case 'video':
      return { msgtype: 'mpvideo', mpvideo: { media_id: content } };
    case 'wxcard':
      return { msgtype: 'wxcard', wxcard: { card_id: content } };
    default:
      return { msgtype: msgType, [msgType]: { media_id: content } };
  }
}

/** Mass messages (群发). */
export class MassApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Send a mass message.
   *
   * @param content - the text for `text`, the card id for `wxcard`, else a media id.
   * @param userList - an array of OpenIDs (`/message/mass/send`), a tag id (to that tag's users,
   *   `/message/mass/sendall`), or nothing to send to everyone.
   * @param sendIgnoreReprint - go on sending when an article is judged a reprint.
   * @param clientMsgId - de-duplication key (64 chars max) checked over 24 h.
   */
  sendMassMsg(
    msgType: MassMessageType,
    content: string,
    userList?: string[] | number,
    sendIgnoreReprint = false,
    clientMsgId?: string,
    options?: CallOptions,
  ): Promise<MassSendResult> {
    const body: JsonBody = {
      ...massContent(msgType, content),
      send_ignore_reprint: sendIgnoreReprint ? 1 : 0,
    };
    if (clientMsgId !== undefined) body.clientmsgid = clientMsgId;
    let path = '/cgi-bin/message/mass/sendall';
    if (Array.isArray(userList)) {
      path = '/cgi-bin/message/mass/send';
      body.touser = userList;
    } else if (userList === undefined) {
      body.filter = { is_to_all: true };
    } else {
      body.filter = { is_to_all: false, tag_id: userList };
    }
    return this.#api.call({ method: 'POST', path, body, ...options });
  }

  /**
   * Delete a sent mass message. `POST /cgi-bin/message/mass/delete`.
   * @param articleIdx - 1-based article to delete; 0 deletes all.
   */
  deleteMassMsg(msgId: BigId, articleIdx = 0, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/mass/delete',
      body: { msg_id: toBigIdNumber(msgId), article_idx: articleIdx },
      ...options,
    });
  }

  /**
   * Preview a mass message on one user's phone. `POST /cgi-bin/message/mass/preview`.
   * @param userType - `openid`, or `wxname` to address a WeChat ID (100 a day).
   */
  sendMassPreviewToUser(
    msgType: MassMessageType,
    content: string,
    user: string,
    userType: 'openid' | 'wxname' = 'openid',
    options?: CallOptions,
  ): Promise<MassPreviewResult> {
    const body = massContent(msgType, content);
    if (userType === 'openid') body.touser = user;
    else body.towxname = user;
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/mass/preview',
      body,
      ...options,
    });
  }

  /** A mass message's status. `POST /cgi-bin/message/mass/get`. */
  getMassMsgStatus(msgId: BigId, options?: CallOptions): Promise<MassStatusResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/mass/get',
      body: { msg_id: toBigIdNumber(msgId) },
      ...options,
    });
  }

  /**
   * Set the mass sending speed. `POST /cgi-bin/message/mass/speed/set`.
   * @param speed - 0 (fastest) to 4 (slowest).
   */
  setMassMsgSpeed(speed: 0 | 1 | 2 | 3 | 4, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/mass/speed/set',
      body: { speed },
      ...options,
    });
  }

  /** The mass sending speed. `POST /cgi-bin/message/mass/speed/get`. */
  getMassMsgSpeed(options?: CallOptions): Promise<MassSpeedResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/message/mass/speed/get',
      body: {},
      ...options,
    });
  }
}
