import { describe, expectTypeOf, it } from 'vitest';
import type { WechatContext } from '../../middleware/state.js';
import type { TextMessage } from '../../src/core/messages/types.js';
import { ZgRoBot } from '../../src/robot.js';

describe('robot types', () => {
  it('a typed session: initial() decides what handlers read', () => {
    const robot = new ZgRoBot({ token: 't', session: { initial: () => ({ count: 0 }) } });
    robot.text((ctx) => {
      expectTypeOf(ctx.wechat.session.count).toEqualTypeOf<number>();
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage>();
      return `${ctx.wechat.session.count + 1}`;
    });
    new ZgRoBot<{ name?: string }>({ token: 't' }).handler((ctx) => {
      expectTypeOf(ctx.wechat.session.name).toEqualTypeOf<string | undefined>();
    });
  });

  it('a closed context: a typo is a type error', () => {
    new ZgRoBot({ token: 't' }).text((ctx) => {
      // @ts-expect-error: no such member (Koa's default context would accept any name)
      ctx.wechta;
      expectTypeOf(ctx).toExtend<WechatContext<TextMessage>>();
      expectTypeOf(ctx.ip).toEqualTypeOf<string>();
    });
  });

  it('robot.use() middleware sees the typed session', () => {
    new ZgRoBot({ token: 't', session: { initial: () => ({ hits: 0 }) } }).use(
      async (ctx, next) => {
        expectTypeOf(ctx.wechat.session.hits).toEqualTypeOf<number>();
        await next();
      },
    );
  });
});
