import { PublishApi } from './publish.js';

/**
 * The WeChat Official Account API client: every API of the seed's chapter 7 (menus,
 * customer-service and mass messages, users, tags, QR codes, media and material, templates)
 * plus drafts and publishing, as camelCase async methods.
 *
 * Every method gets its access token through {@link Client.getAccessToken}, which caches the
 * token until 60 s before it expires and shares one refresh among concurrent callers. When
 * WeChat rejects a token (40001, 40014, 42001) the client drops it, fetches another and
 * retries the call once. A non-zero `errcode` throws {@link WeChatApiError}; a failed
 * connection, a timeout or a non-JSON answer throw too, so a call never resolves with an
 * error body. 64-bit ids (`msg_id`, `msg_data_id`, `publish_id`, `msgid`) come back as strings.
 *
 * @example
 * ```ts
 * import { Client, WeChatApiError } from 'zgrobot';
 *
 * const client = new Client({ appId: 'wx…', appSecret: '…' });
 * await client.createMenu({
 *   button: [{ type: 'click', name: '今日歌曲', key: 'music' }],
 * });
 * try {
 *   await client.sendTextMessage(openId, '你好', undefined, { timeout: 5000 });
 * } catch (error) {
 *   if (error instanceof WeChatApiError) console.error(error.errcode, error.errmsg);
 * }
 * await client.close();
 * ```
 *
 * @example Custom token storage (the seed's Q&A): override `getAccessToken`.
 * ```ts
 * class MyClient extends Client {
 *   override async getAccessToken(): Promise<string> {
 *     return (await myCache.get('token')) ?? super.getAccessToken();
 *   }
 * }
 * ```
 */
export class Client extends PublishApi {}
