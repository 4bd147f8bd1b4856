/**
 * 微信开放平台第三方平台。The WeChat Open Platform's third-party platform (component): the
 * {@link Component} (tickets, tokens, authorization, a `Client` per authorized account), its
 * stores, the authorization-event stage {@link componentEvents} and the release-check middleware
 * {@link releaseCheck}.
 *
 * @example
 * ```ts
 * import { Component, componentEvents, releaseCheck } from 'zgrobot/open-platform';
 *
 * const component = new Component({ appId, appSecret, token, encodingAESKey });
 * const events = componentEvents({
 *   component,
 *   onAuthorized: (event) => component.queryAuth(event.authorizationCode),
 * });
 * ```
 * @module
 */
export {
  type ComponentEventHandler,
  type ComponentEventsOptions,
  componentEvents,
} from '../middleware/component-events.js';
export {
  RELEASE_CHECK_APP_IDS,
  RELEASE_CHECK_AUTH_CODE_PREFIX,
  RELEASE_CHECK_TEXT,
  type ReleaseCheckOptions,
  releaseCheck,
} from '../middleware/release-check.js';
export * from './core/open-platform/index.js';
