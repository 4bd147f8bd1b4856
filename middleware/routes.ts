import {
  isMessageType,
  MESSAGE_KINDS,
  MESSAGE_TYPES,
  type MessageKinds,
  type MessageType,
} from '../src/core/messages/kinds.js';
import type {
  AnyMessage,
  ClickEvent,
  MessageOf,
  TextMessage,
  UnionOf,
} from '../src/core/messages/types.js';
import { isReply, type ReplyValue } from '../src/core/replies/coerce.js';
import type { SessionData } from '../src/core/session/storage.js';
import type { WechatContext } from './state.js';

/**
 * A handler: gets the request's context, whose `ctx.wechat.message` is narrowed to the kinds it
 * was registered for, and returns the reply (or nothing, to let the next handler try).
 */
export type Handler<M = AnyMessage, S extends object = SessionData> = (
  ctx: WechatContext<M, S>,
) => ReplyValue | Promise<ReplyValue>;

/**
 * A `filter` rule: a string matches text equal to it; a RegExp matches as `RegExp#exec`, that is
 * anywhere in the text (WeRoBot's `re.match` only matches at the start). For WeRoBot's
 * behaviour add the sticky flag, `/…/y` (matched at index 0 only), or anchor with `^`.
 */
export type FilterRule = string | RegExp;

/**
 * One method per row of the table of kinds: `text(handler)`, `subscribe(handler)`, … Each returns
 * the object it was called on with its own type, so on a `ZgRoBot` the chain stays a `ZgRoBot`
 * (`robot.text(fn).run()`); `Self` is the type when the method is called detached.
 */
export type RouteMethods<Self, S extends object = SessionData> = {
  [T in MessageType as MessageKinds[T]['method']]: <This = Self>(
    this: This,
    handler: Handler<MessageOf<T>, S>,
  ) => This;
};

// Handlers are stored for any message; the type narrowing happened at registration.
type StoredHandler = (ctx: WechatContext<AnyMessage, never>) => ReplyValue | Promise<ReplyValue>;

/**
 * The routing table: which handlers run for which messages. Handlers registered for the
 * message's type run first, in the order they were added, then the catch-all ones (`handler`,
 * `addHandler(fn)`); the first that returns a reply wins and the rest do not run.
 *
 * @example
 * ```ts
 * const routes = new Router()
 *   .filter('帮助', () => '帮助\nXXXXX')
 *   .text((ctx) => ctx.wechat.message.content)
 *   .subscribe(() => '感谢这位小可爱的关注~')
 *   .keyClick('music', () => '你点击了“今日歌曲”按钮');
 * app.use(verify({ token: 'tokenhere' })).use(router(routes));
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: route methods are installed from the table at the end of this file.
export class Router<S extends object = SessionData> {
  readonly #typed = new Map<MessageType, StoredHandler[]>();
  readonly #catchAll: StoredHandler[] = [];
  #resolved = new Map<MessageType, StoredHandler[]>();

  /** Adds a handler for every message and event; it runs after the typed handlers. */
  handler(handler: Handler<AnyMessage, S>): this {
    return this.addHandler(handler, 'all');
  }

  /** Same as {@link Router.handler}. */
  all(handler: Handler<AnyMessage, S>): this {
    return this.addHandler(handler, 'all');
  }

  /**
   * Adds a handler for one type or several, e.g. `on(['text', 'location'], fn)`.
   * @throws {TypeError} for a type that is not in the table of kinds.
   */
  on<T extends MessageType>(types: T | readonly T[], handler: Handler<UnionOf<T>, S>): this {
    const list: readonly MessageType[] = Array.isArray(types) ? types : [types as T];
    for (const type of list) this.addHandler(handler as unknown as Handler<AnyMessage, S>, type);
    return this;
  }

  /**
   * Adds a handler WeRoBot's way: `type` is a message type or `'all'` (the default).
   * @throws {TypeError} for an unknown type or a handler that is not a function.
   */
  addHandler(handler: Handler<AnyMessage, S>, type: MessageType | 'all' = 'all'): this {
    if (typeof handler !== 'function') throw new TypeError('a handler must be a function');
    const stored = handler as StoredHandler;
    if (type === 'all') this.#catchAll.push(stored);
    else if (isMessageType(type)) {
      const list = this.#typed.get(type) ?? [];
      list.push(stored);
      this.#typed.set(type, list);
    } else {
      throw new TypeError(
        `unknown message type ${JSON.stringify(type)}; expected 'all' or one of: ${MESSAGE_TYPES.join(', ')}`,
      );
    }
    this.#resolved = new Map();
    return this;
  }

  /**
   * A text handler that runs only when the text matches one of the rules: a string matches when
   * equal, a RegExp when `exec` finds it (its match is then in `ctx.wechat.match`).
   *
   * Unlike WeRoBot's `re.match`, a RegExp matches anywhere in the text: `/bb/` matches `'abb'`.
   * To match only at the start, as WeRoBot does, give it the sticky flag (`/bb/y`: index 0
   * only, whatever the pattern, even `/a|b/y`) or anchor it (`/^bb/`; mind that `^` with the `m`
   * flag also matches after each newline). The `g` flag is ignored: no state between messages.
   *
   * @example
   * ```ts
   * routes.filter(/(.*?)e(.*?)/, 'f', (ctx) => ctx.wechat.match ? `正文为 ${ctx.wechat.match[1]}e${ctx.wechat.match[2]}` : '正文为 f');
   * routes.filter(/天气|weather/y, () => '…'); // only text that starts with 天气 or weather
   * ```
   */
  filter(...args: [...rules: FilterRule[], handler: Handler<TextMessage, S>]): this {
    const handler = args.at(-1);
    if (typeof handler !== 'function')
      throw new TypeError('filter(...rules, handler): the last argument must be the handler');
    return this.addFilter(handler, args.slice(0, -1) as FilterRule[]);
  }

  /**
   * WeRoBot's `add_filter(func, rules)`; rules as in {@link Router.filter} (a RegExp matches
   * anywhere unless sticky `/…/y` or anchored `/^…/`; WeRoBot's `re.match` anchors at the start).
   * @throws {TypeError} for an empty or invalid rule list.
   */
  addFilter(handler: Handler<TextMessage, S>, rules: readonly FilterRule[]): this {
    if (rules.length === 0) throw new TypeError('a filter needs at least one rule');
    const compiled = rules.map((rule) => {
      if (typeof rule === 'string') return rule;
      // A copy, without `g`: the caller's RegExp is not touched and keeps no state here.
      if (rule instanceof RegExp) return new RegExp(rule.source, rule.flags.replace(/g/g, ''));
      throw new TypeError(`a filter rule must be a string or a RegExp, got ${typeof rule}`);
    });
    return this.on('text', (ctx) => {
      const content = ctx.wechat.message.content;
      for (const rule of compiled) {
        if (typeof rule === 'string') {
          if (content !== rule) continue;
          ctx.wechat.match = undefined;
          return handler(ctx);
        }
        // Sticky rules match at lastIndex, which a previous match moved: always from the start.
        rule.lastIndex = 0;
        const match = rule.exec(content);
        if (match) {
          ctx.wechat.match = match;
          return handler(ctx);
        }
      }
      return undefined;
    });
  }

  /** A `click` handler for one menu key. */
  keyClick(key: string, handler: Handler<ClickEvent, S>): this {
    return this.on('click_event', (ctx) =>
      ctx.wechat.message.key === key ? handler(ctx) : undefined,
    );
  }

  /** Adds every handler of other routers (e.g. one per file) after this one's. */
  use(...routers: Router<S>[]): this {
    for (const other of routers) this.#merge(other);
    return this;
  }

  /** Adds the handlers of `other` after this one's. */
  #merge(other: Router<S>): void {
    for (const [type, handlers] of other.#typed) {
      const list = this.#typed.get(type) ?? [];
      list.push(...handlers);
      this.#typed.set(type, list);
    }
    this.#catchAll.push(...other.#catchAll);
    this.#resolved = new Map();
  }

  /** The handlers that run for a type, in order: typed first, then catch-all. */
  handlersFor(type: MessageType): readonly StoredHandler[] {
    let list = this.#resolved.get(type);
    if (!list) {
      list = [...(this.#typed.get(type) ?? []), ...this.#catchAll];
      this.#resolved.set(type, list);
    }
    return list;
  }

  /**
   * Runs the handlers for `ctx.wechat.message` and resolves with the first reply. A handler may
   * also set `ctx.wechat.reply` itself. Errors thrown by handlers reject the promise.
   */
  async dispatch(ctx: WechatContext<AnyMessage, S>): Promise<ReplyValue> {
    for (const handler of this.handlersFor(ctx.wechat.message.type)) {
      const result = await handler(ctx as WechatContext<AnyMessage, never>);
      if (isReply(result)) return result;
      if (isReply(ctx.wechat.reply)) return ctx.wechat.reply;
    }
    return ctx.wechat.reply;
  }
}

// Route methods are made from the table of kinds, so a new row is a new method; the loop below
// defines every method this interface declares.
export interface Router<S extends object = SessionData> extends RouteMethods<Router<S>, S> {}
for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, { method: string }][]) {
  Object.defineProperty(Router.prototype, row.method, {
    value(this: Router, handler: Handler<AnyMessage>) {
      return this.addHandler(handler, type);
    },
    writable: true,
    configurable: true,
  });
}
