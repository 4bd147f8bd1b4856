// The two signed values of the web-authorization middleware, both HMAC-SHA256 under the app's
// secret with a label each, so one can never pass for the other:
// - the `state` sent through WeChat: 24 hex nonce + 12 hex expiry (ms) + 32 hex MAC (68 letters and
//   digits, as WeChat wants), the MAC also covering the AppID, the scope and the browser's binding
//   id (a cookie), so a state is good only in the browser it was issued to;
// - the user cookie: base64url JSON + "." + base64url MAC.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const STATE = /^[0-9a-f]{68}$/;

function mac(secret: Uint8Array, label: string, text: string): Buffer {
  return createHmac('sha256', secret).update(`zgrobot:oauth:${label}:`).update(text).digest();
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a state is bound to besides its own nonce and expiry. */
export interface StateScope {
  appId: string;
  scope: string;
  /** The browser's binding id (from its cookie). */
  bind: string;
}

/** A fresh random id (hex), for nonces and binding ids. */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A state for `scope`, valid until `expiresAt` (ms since the epoch). */
export function sealState(secret: Uint8Array, scope: StateScope, expiresAt: number): string {
  const nonce = randomId(12);
  const expiry = Math.floor(expiresAt).toString(16).padStart(12, '0');
  const text = `${scope.appId}\n${scope.scope}\n${scope.bind}\n${nonce}${expiry}`;
  return nonce + expiry + mac(secret, 'state', text).subarray(0, 16).toString('hex');
}

/** A state opened: its nonce and expiry. */
export interface OpenedState {
  nonce: string;
  expiresAt: number;
}

/** The state's nonce and expiry when its MAC is right for `scope`, else `undefined`. */
export function openState(
  secret: Uint8Array,
  scope: StateScope,
  state: string,
): OpenedState | undefined {
  if (!STATE.test(state) || scope.bind === '') return undefined;
  const nonce = state.slice(0, 24);
  const expiry = state.slice(24, 36);
  const text = `${scope.appId}\n${scope.scope}\n${scope.bind}\n${nonce}${expiry}`;
  const expected = mac(secret, 'state', text).subarray(0, 16);
  if (!same(Buffer.from(state.slice(36), 'hex'), expected)) return undefined;
  return { nonce, expiresAt: Number.parseInt(expiry, 16) };
}

/** `value` as a signed cookie value: base64url JSON, a dot, base64url MAC. */
export function sealCookie(secret: Uint8Array, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${body}.${mac(secret, 'user', body).toString('base64url')}`;
}

/** The JSON inside a cookie sealed with `secret`, or `undefined` when it is not. */
export function openCookie(secret: Uint8Array, sealed: string | undefined): unknown {
  if (!sealed) return undefined;
  const dot = sealed.indexOf('.');
  if (dot <= 0) return undefined;
  const body = sealed.slice(0, dot);
  if (!same(Buffer.from(sealed.slice(dot + 1), 'base64url'), mac(secret, 'user', body))) {
    return undefined;
  }
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
