import { describe, expectTypeOf, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import type { WechatContext, WechatState } from '../../middleware/state.js';

describe('ctx.wechat deadline members (types)', () => {
  it('has signal: AbortSignal and defer(): void', () => {
    expectTypeOf<WechatState['signal']>().toEqualTypeOf<AbortSignal>();
    expectTypeOf<WechatState['defer']>().toEqualTypeOf<() => void>();
  });

  it('is there in a narrowed handler', () => {
    new Router().text((ctx) => {
      expectTypeOf(ctx).toExtend<WechatContext>();
      expectTypeOf(ctx.wechat.signal).toEqualTypeOf<AbortSignal>();
      ctx.wechat.defer();
      return ctx.wechat.message.content;
    });
  });
});
