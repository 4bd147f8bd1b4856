// The playground plays api.weixin.qq.com for the bot (its client's `baseUrl`, or
// `WECHAT_API_BASE`, pointed at the playground): tokens, custom (customer-service) messages,
// typing, menus, template messages. Every call is recorded and pushed to the page, so a late reply
// sent as a customer-service message shows up in the chat.
import type { Menu } from '../core/client/menu.js';
import type { EventHub } from './events.js';

/** One call the bot made to the API, as the side panel lists it. */
export interface ApiCall {
  id: number;
  /** ms since the epoch. */
  at: number;
  method: string;
  path: string;
  /** The query, `access_token` included. */
  query: Record<string, string>;
  /** The JSON body, when there is one. */
  body: unknown;
  /** What the playground answered. */
  answer: unknown;
}

/** An API answer: HTTP 200 with this JSON. */
type Answer = Record<string, unknown>;

const OK = { errcode: 0, errmsg: 'ok' };

/** The API the bot sees; the menu it holds is the one the page shows. */
export class FakeWeChatApi {
  readonly calls: ApiCall[] = [];
  menu: Menu | undefined;
  readonly #hub: EventHub;
  #tokens = 0;
  #messages = 0;

  constructor(hub: EventHub, menu: Menu | undefined) {
    this.#hub = hub;
    this.menu = menu;
  }

  /** Whether a path is one of the API's (`/cgi-bin/…`, `/sns/…`). */
  static handles(path: string): boolean {
    return path.startsWith('/cgi-bin/') || path.startsWith('/sns/');
  }

  /** Answers one call and records it. */
  answer(method: string, path: string, query: Record<string, string>, body: unknown): Answer {
    const answer = this.#route(method, path, body);
    const call: ApiCall = {
      id: this.calls.length + 1,
      at: Date.now(),
      method,
      path,
      query,
      body,
      answer,
    };
    this.calls.push(call);
    this.#hub.push({ type: 'api', data: call });
    return answer;
  }

  #route(method: string, path: string, body: unknown): Answer {
    switch (path) {
      case '/cgi-bin/token':
      case '/cgi-bin/stable_token':
        return { access_token: `playground-token-${++this.#tokens}`, expires_in: 7200 };
      case '/cgi-bin/ticket/getticket':
        return { ...OK, ticket: 'playground-ticket', expires_in: 7200 };
      case '/cgi-bin/menu/create': {
        const button = (body as { button?: unknown } | undefined)?.button;
        if (method !== 'POST' || !Array.isArray(button)) {
          return { errcode: 40016, errmsg: 'invalid button size' };
        }
        this.menu = { button } as Menu;
        this.#hub.push({ type: 'menu', data: this.menu });
        return OK;
      }
      case '/cgi-bin/menu/get':
        return this.menu ? { menu: this.menu } : { errcode: 46003, errmsg: 'menu no exist' };
      case '/cgi-bin/get_current_selfmenu_info':
        return { is_menu_open: this.menu ? 1 : 0 };
      case '/cgi-bin/menu/delete':
        this.menu = undefined;
        this.#hub.push({ type: 'menu', data: null });
        return OK;
      case '/cgi-bin/message/template/send':
      case '/cgi-bin/message/mass/send':
      case '/cgi-bin/message/mass/sendall':
        return { ...OK, msgid: ++this.#messages };
      default:
        // custom/send, custom/typing and every other call: accepted, as WeChat would for a
        // well-formed call; the side panel shows what was asked.
        return OK;
    }
  }
}
