/**
 * The Client methods of the raw call, web authorization and the JS-SDK (issue 11, items 1-3).
 * `platform.test.ts` tests them and checks that each one was called; the API-surface coverage
 * test in `methods.test.ts` counts them as tested.
 */
export const PLATFORM_METHODS = [
  'get',
  'post',
  'upload',
  'download',
  'oauthAuthorizeUrl',
  'exchangeOAuthCode',
  'refreshOAuthToken',
  'checkOAuthToken',
  'getOAuthUserInfo',
  'getJsapiTicket',
  'getCardTicket',
  'jssdkConfig',
  'cardExt',
] as const;
