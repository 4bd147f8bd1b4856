import { checkSignature } from '../src/core/crypto/signature.js';
import { DecryptError, SignatureError, WechatError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { rootChildText } from '../src/core/messages/xml.js';
import type { Component } from '../src/core/open-platform/component.js';
import {
  type AuthorizedEvent,
  type ComponentEvent,
  type ComponentVerifyTicketEvent,
  type OtherComponentEvent,
  parseComponentEvent,
  type UnauthorizedEvent,
  type UpdateAuthorizedEvent,
} from '../src/core/open-platform/events.js';
import { DEFAULT_TIMESTAMP_WINDOW, isFreshTimestamp } from '../src/core/security/timestamp.js';
import { readBody } from './body.js';
import type { HttpContext, Stage } from './context.js';
import { queryParam, stateOf } from './state.js';

/** A handler of one kind of authorization event; what it returns is ignored. */
export type ComponentEventHandler<E> = (event: E) => unknown;

/** Options of {@link componentEvents}. */
export interface ComponentEventsOptions {
  /** The component whose token and key the events are signed and encrypted with. */
  component: Component;
  /**
   * 授权成功。An account authorized the component. Call `component.queryAuth(event.authorizationCode)`
   * here to keep its tokens (the code is valid about an hour).
   */
  onAuthorized?: ComponentEventHandler<AuthorizedEvent>;
  /** 授权更新。An account changed the permission sets it granted. */
  onUpdateAuthorized?: ComponentEventHandler<UpdateAuthorizedEvent>;
  /** 取消授权。An account withdrew; the component has already forgotten its tokens. */
  onUnauthorized?: ComponentEventHandler<UnauthorizedEvent>;
  /** A `component_verify_ticket` push; the component has already stored it. */
  onTicket?: ComponentEventHandler<ComponentVerifyTicketEvent>;
  /** Any other `InfoType` (fast registration results, …). */
  onOther?: ComponentEventHandler<OtherComponentEvent>;
  /**
   * How far, in seconds, `timestamp` may be from now either way (default 300); `0` or `false`
   * turns the check off.
   */
  timestampWindow?: number | false;
  /** Largest body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Milliseconds the body may take to arrive (default 10 000): past it, 408 and the connection is
   * dropped. `0` or `Infinity`: no limit.
   */
  bodyTimeout?: number;
  logger?: Logger;
}

/**
 * 授权事件接收 URL。The Open Platform's authorization-event endpoint as a stage: checks
 * `signature` (the component's token) and the timestamp, checks `msg_signature` and decrypts with
 * the component's key, parses the `InfoType` XML, stores a `component_verify_ticket`, forgets an
 * account on `unauthorized`, calls the matching handler, and answers `success`.
 *
 * A bad signature or a stale timestamp gets 403; a body that is not an encrypted envelope, does not
 * decrypt, or is not an authorization event gets 400. A handler that throws (or a store that
 * fails) is logged and the answer is still `success`: WeChat would otherwise push it again and
 * again. WeChat waits 5 s for the answer; a handler that needs longer should start its work and
 * return.
 *
 * @example
 * ```ts
 * const stage = componentEvents({
 *   component,
 *   onAuthorized: (event) => component.queryAuth(event.authorizationCode),
 *   onUnauthorized: (event) => db.markGone(event.authorizerAppId),
 * });
 * router.post('/wechat/component', stage); // Koa, or robot-less under the fetch adapter
 * ```
 */
export function componentEvents(options: ComponentEventsOptions): Stage {
  const { component } = options;
  const window = options.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW;
  return async (ctx) => {
    const logger = options.logger ?? stateOf(ctx).logger;
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = 'method not allowed';
      return;
    }
    let event: ComponentEvent;
    try {
      event = await readEvent(ctx, options, window);
    } catch (error) {
      if (!(error instanceof WechatError) || error.status >= 500) throw error;
      logger.warn(
        { method: ctx.method, path: ctx.path, ip: ctx.ip, status: error.status, err: error },
        'zgrobot: refused an authorization event',
      );
      ctx.status = error.status;
      ctx.type = 'text';
      ctx.body = error.expose ? error.message : 'refused';
      return;
    }
    try {
      await dispatch(event, options);
    } catch (error) {
      logger.error(
        { infoType: event.infoType, component: component.appId, err: error },
        'zgrobot: an authorization event handler failed; answered success',
      );
    }
    ctx.status = 200;
    ctx.type = 'text';
    ctx.body = 'success';
  };
}

/** The verified, decrypted, parsed event; a WechatError (403/400/413…) when it is not one. */
async function readEvent(
  ctx: HttpContext,
  options: ComponentEventsOptions,
  window: number | false,
): Promise<ComponentEvent> {
  const timestamp = queryParam(ctx, 'timestamp');
  const nonce = queryParam(ctx, 'nonce');
  const signature = queryParam(ctx, 'signature');
  // WeChat signs the push's URL (`signature`) and, below, its body (`msg_signature`).
  if (!checkSignature({ token: options.component.token, timestamp, nonce, signature })) {
    throw new SignatureError(`bad signature (received ${signature?.length ?? 0} characters)`);
  }
  if (window && !isFreshTimestamp(timestamp, window)) {
    throw new SignatureError('timestamp missing, not a number or out of the window');
  }
  const body = await readBody(ctx, options.bodyLimit, options.bodyTimeout);
  const encrypt = rootChildText(body, 'Encrypt');
  if (!encrypt) throw new DecryptError('no <Encrypt> in an authorization event');
  const msgSignature = queryParam(ctx, 'msg_signature');
  if (msgSignature === undefined || timestamp === undefined || nonce === undefined) {
    throw new SignatureError('msg_signature, timestamp or nonce missing');
  }
  const { xml } = options.component.keys.decryptMessage({
    encrypt,
    timestamp,
    nonce,
    msgSignature,
  });
  return parseComponentEvent(xml);
}

async function dispatch(event: ComponentEvent, options: ComponentEventsOptions): Promise<void> {
  const { component } = options;
  switch (event.infoType) {
    case 'component_verify_ticket':
      await component.saveVerifyTicket(event.ticket);
      await options.onTicket?.(event);
      return;
    case 'authorized':
      await options.onAuthorized?.(event);
      return;
    case 'updateauthorized':
      await options.onUpdateAuthorized?.({ ...event, infoType: 'updateauthorized' });
      return;
    case 'unauthorized':
      await component.forgetAuthorizer(event.authorizerAppId);
      await options.onUnauthorized?.(event);
      return;
    default:
      await options.onOther?.(event);
  }
}
