import { escapeHtml } from '../../../middleware/error-page.js';

/**
 * Why the web-authorization middleware answered with a page instead of the user's page:
 * - `denied` (403): the user refused authorization (WeChat sent `state` back without `code`);
 * - `invalid-state` (403): the `state` is not one this middleware issued to this browser (forged,
 *   tampered, planted from another browser);
 * - `replayed-state` (403): the `state` was used already;
 * - `expired-state` (403): the `state` is older than `stateTtl`;
 * - `invalid-code` (400): WeChat refused the code, expired or unknown (40029) or used (40163);
 * - `unauthenticated` (401): not a GET or HEAD and no remembered user, so nothing to redirect.
 */
export type OAuthFailureReason =
  | 'denied'
  | 'invalid-state'
  | 'replayed-state'
  | 'expired-state'
  | 'invalid-code'
  | 'unauthenticated';

/** A failure, as the page maker gets it. */
export interface OAuthFailure {
  /** What went wrong. */
  reason: OAuthFailureReason;
  /** The HTTP status answered. */
  status: number;
  /** The page's URL without `code` and `state` (path and query): opening it starts over. */
  retryUrl: string;
}

/** The HTTP status of each failure. */
export const FAILURE_STATUS: Record<OAuthFailureReason, number> = {
  denied: 403,
  'invalid-state': 403,
  'replayed-state': 403,
  'expired-state': 403,
  'invalid-code': 400,
  unauthenticated: 401,
};

const MESSAGES: Record<OAuthFailureReason, [zh: string, en: string]> = {
  denied: ['你没有同意授权，页面无法继续。', 'You did not allow the authorization.'],
  'invalid-state': [
    '授权请求无效，可能是链接被修改，或不是在本浏览器中发起的。',
    'The authorization request is not valid here.',
  ],
  'replayed-state': ['这个授权链接已经用过了。', 'This authorization link was used already.'],
  'expired-state': ['授权等待时间过长，已经过期。', 'The authorization took too long and expired.'],
  'invalid-code': [
    '授权码无效或已过期（微信错误 40029/40163）。',
    'The authorization code is invalid or expired.',
  ],
  unauthenticated: ['登录状态已失效，请刷新页面。', 'Your sign-in has expired: reload the page.'],
};

/** The built-in page: what went wrong, in Chinese and English, and a link to start over. */
export function defaultOAuthPage(failure: OAuthFailure): string {
  const [zh, en] = MESSAGES[failure.reason];
  const retry = escapeHtml(failure.retryUrl);
  return (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>微信授权未完成 / Authorization not completed</title></head><body>` +
    `<h1>微信授权未完成</h1><p>${zh}</p><p><a href="${retry}">重新打开页面</a></p>` +
    `<p lang="en">${en} <a href="${retry}">Open the page again</a>.</p></body></html>`
  );
}
