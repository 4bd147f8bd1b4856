import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stage } from '../../middleware/context.js';
import { type Logger, silentLogger } from '../../src/core/logger.js';
import { Component, type ComponentOptions } from '../../src/core/open-platform/component.js';
import { handleNode } from '../../src/node-context.js';
import type { FakeWeChatApi } from '../support/fake-wechat-api.js';
import { aesEncrypt, sha1Sorted } from '../support/safe-mode.js';

export const COMPONENT_TOKEN = 'component_token';
// 43 base64 characters, not the key of the single-account tests.
export const COMPONENT_AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

/** A component pointed at the fake API. */
export function makeComponent(
  api: FakeWeChatApi,
  options: Partial<ComponentOptions> = {},
): Component {
  return new Component({
    appId: api.component.appId,
    appSecret: api.component.appSecret,
    token: COMPONENT_TOKEN,
    encodingAESKey: COMPONENT_AES_KEY,
    baseUrl: api.url,
    mpBaseUrl: 'https://mp.example',
    openBaseUrl: 'https://open.example',
    ...options,
  });
}

/** A real HTTP server running `stage` (without Koa, as `robot.callback()` does). */
export async function serveStage(
  stage: Stage,
  logger: Logger = silentLogger,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) =>
    handleNode(stage, req, res, { proxy: () => 0, logger: () => logger }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/component/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An authorization-event push as WeChat sends it: signed URL, `<AppId>` + `<Encrypt>` envelope. */
export function eventPush(
  xml: string,
  options: {
    appId: string;
    encrypt?: string;
    token?: string;
    encodingAESKey?: string;
    overrides?: Record<string, string>;
  },
): { query: string; body: string } {
  const token = options.token ?? COMPONENT_TOKEN;
  const encrypt =
    options.encrypt ?? aesEncrypt(xml, options.encodingAESKey ?? COMPONENT_AES_KEY, options.appId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({
    signature: sha1Sorted(token, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sha1Sorted(token, timestamp, nonce, encrypt),
    ...options.overrides,
  }).toString();
  const body = `<xml><AppId><![CDATA[${options.appId}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { query, body };
}

/** POST a push to `url`; the status and the text answered. */
export async function post(
  url: string,
  push: { query: string; body: string },
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}?${push.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: push.body,
  });
  return { status: res.status, text: await res.text() };
}

const now = () => String(Math.floor(Date.now() / 1000));

export const ticketXml = (appId: string, ticket: string) =>
  `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${now()}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[${ticket}]]></ComponentVerifyTicket></xml>`;

export const authorizedXml = (
  appId: string,
  authorizer: string,
  code: string,
  infoType: 'authorized' | 'updateauthorized' = 'authorized',
  createTime = now(),
) =>
  `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[${infoType}]]></InfoType><AuthorizerAppid><![CDATA[${authorizer}]]></AuthorizerAppid><AuthorizationCode><![CDATA[${code}]]></AuthorizationCode><AuthorizationCodeExpiredTime>1700003600</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauth-x]]></PreAuthCode></xml>`;

export const unauthorizedXml = (appId: string, authorizer: string) =>
  `<xml><AppId><![CDATA[${appId}]]></AppId><CreateTime>${now()}</CreateTime><InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[${authorizer}]]></AuthorizerAppid></xml>`;
