import type { Account } from '../src/core/accounts/account.js';
import type { Logger } from '../src/core/logger.js';
import type { Component } from '../src/core/open-platform/component.js';
import { SuccessReply } from '../src/core/replies/replies.js';
import type { SessionData } from '../src/core/session/storage.js';
import type { WechatMiddleware } from './state.js';

/** The text the release check's test account sends for a synchronous text reply. */
export const RELEASE_CHECK_TEXT = 'TESTCOMPONENT_MSG_TYPE_TEXT';
/** The prefix of the release check's API test: `QUERY_AUTH_CODE:<authorization code>`. */
export const RELEASE_CHECK_AUTH_CODE_PREFIX = 'QUERY_AUTH_CODE:';

/**
 * The AppIDs of WeChat's dedicated release-check test accounts (five groups, each an Official
 * Account and a Mini Program, as listed in WeChat's 全网发布检测说明): the accounts
 * {@link releaseCheck} answers by default.
 */
export const RELEASE_CHECK_APP_IDS: ReadonlySet<string> = new Set([
  'wx570bc396a51b8ff8',
  'wx9252c5e0bb1836fc',
  'wx8e1097c5bc82cde9',
  'wx14550af28c71a144',
  'wxa35b9c23cfe664eb',
  'wxd101a85aa106f53e',
  'wxc39235c15087f6f3',
  'wx7720d01d4b2a4500',
  'wx05d483572dcd5d8b',
  'wx5910277cae6fd970',
]);

/** Options of {@link releaseCheck}. */
export interface ReleaseCheckOptions {
  /** Where a failed `QUERY_AUTH_CODE` round (query or customer-service send) is logged. */
  logger?: Logger;
  /**
   * Whose messages are answered, by the request's account (`ctx.wechat.account.appId`): default
   * {@link RELEASE_CHECK_APP_IDS}, WeChat's test accounts; every other account's messages pass on
   * untouched. `'all'` answers every account's: only for an endpoint that nothing but the release
   * check reaches (one whose account is the component itself, say), since it answers every event
   * and would run `queryAuth` for any user who sends `QUERY_AUTH_CODE:`.
   */
  accounts?: ReadonlySet<string> | 'all';
}

/**
 * 全网发布检测。Answers the scripted messages WeChat's release check (for a third-party platform
 * going live) sends through its test accounts, and passes every other message on:
 *
 * - text `TESTCOMPONENT_MSG_TYPE_TEXT` → the text reply `TESTCOMPONENT_MSG_TYPE_TEXT_callback`;
 * - text `QUERY_AUTH_CODE:<code>` → answered at once with `success` (an empty answer to WeChat),
 *   then `component.queryAuth(code)` and the customer-service text `<code>_from_api` to the
 *   sender, from the test account, with its authorizer client;
 * - any event → the text reply `<Event>from_callback` (e.g. `LOCATIONfrom_callback`).
 *
 * Put it first among your middleware, on the endpoint the authorized accounts' messages reach.
 * It answers only messages for WeChat's test accounts ({@link RELEASE_CHECK_APP_IDS}, or
 * `options.accounts`); a real account's events and texts pass on. A robot with
 * `accounts: { component }` runs it by itself.
 *
 * @example
 * ```ts
 * robot.use(releaseCheck(component));
 * ```
 */
export function releaseCheck<S extends object = SessionData>(
  component: Component,
  options: ReleaseCheckOptions = {},
): WechatMiddleware<S> {
  const accounts = options.accounts ?? RELEASE_CHECK_APP_IDS;
  return async (ctx, next) => {
    // Stages put together by hand (verify({ token }) without an account) leave no account: not a
    // test account either.
    const appId = (ctx.wechat.account as Account | undefined)?.appId;
    if (accounts !== 'all' && (appId === undefined || !accounts.has(appId))) return next();
    const message = ctx.wechat.message;
    if (message.type === 'text') {
      const content = message.content;
      if (content === RELEASE_CHECK_TEXT) {
        ctx.wechat.reply = `${RELEASE_CHECK_TEXT}_callback`;
        return;
      }
      if (content.startsWith(RELEASE_CHECK_AUTH_CODE_PREFIX)) {
        const code = content.slice(RELEASE_CHECK_AUTH_CODE_PREFIX.length);
        ctx.wechat.reply = new SuccessReply();
        const logger = options.logger ?? ctx.wechat.logger;
        // Not awaited: WeChat wants the empty answer first, the customer-service message after.
        void answerByApi(component, code, message.source).catch((error: unknown) => {
          logger.error(
            { component: component.appId, err: error },
            'zgrobot: the release check QUERY_AUTH_CODE round failed',
          );
        });
        return;
      }
    } else if (message.type.endsWith('_event')) {
      const event = message.fields.Event;
      if (typeof event === 'string') {
        ctx.wechat.reply = `${event}from_callback`;
        return;
      }
    }
    await next();
  };
}

async function answerByApi(component: Component, code: string, openId: string): Promise<void> {
  const result = await component.queryAuth(code);
  const client = component.authorizerClient(result.authorization_info.authorizer_appid);
  await client.sendTextMessage(openId, `${code}_from_api`);
}
