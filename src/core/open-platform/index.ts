/**
 * 微信开放平台第三方平台（component）。The WeChat Open Platform's third-party platform.
 *
 * Design: a {@link Component} is the platform's side of WeChat's three-party handshake, and
 * nothing in it knows of HTTP frameworks. Its own calls go through the client core
 * (`ComponentApi`, a `ClientCore` whose token parameter is `component_access_token`), so the
 * transport, errors, token caching, single flight, the shared store's lock and the
 * retry-on-rejected-token are the `Client`'s own, not a copy. The ticket that token needs comes
 * from a {@link ComponentTicketStore} that the authorization-event stage (`componentEvents()` in
 * `middleware/`) fills. Each authorized account gets an ordinary `Client` whose `grantToken`
 * calls `api_authorizer_token` with the refresh token from the {@link AuthorizerStore}; its access
 * token lives in the component's token store's `sibling('authorizer:<appId>')`, so a Redis store
 * shares the authorizers' tokens and locks as it shares the component's. Clients are kept in a
 * bounded LRU. Authorized accounts' messages are signed and encrypted with the component's token
 * and key: `component.token` and `component.crypt` are what account resolution verifies and
 * decrypts them with.
 *
 * @module
 */
export {
  type AuthorizerStore,
  MemoryAuthorizerStore,
  RedisAuthorizerStore,
  type RedisAuthorizerStoreOptions,
} from './authorizer-store.js';
export { Component, ComponentError, type ComponentOptions } from './component.js';
export {
  type AuthorizedEvent,
  type ComponentEvent,
  type ComponentEventBase,
  type ComponentVerifyTicketEvent,
  type OtherComponentEvent,
  parseComponentEvent,
  type UnauthorizedEvent,
  type UpdateAuthorizedEvent,
} from './events.js';
export {
  COMPONENT_TICKET_LIFETIME_MS,
  type ComponentTicketStore,
  MemoryComponentTicketStore,
  RedisComponentTicketStore,
  type RedisComponentTicketStoreOptions,
  type RedisKeyValueClient,
} from './ticket-store.js';
export type * from './types.js';
