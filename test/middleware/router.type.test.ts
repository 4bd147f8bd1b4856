import { describe, expectTypeOf, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import type { WechatContext } from '../../middleware/state.js';
import type {
  AnyMessage,
  CardPayOrderEvent,
  ClickEvent,
  LocationEvent,
  LocationMessage,
  PicListItem,
  PicSysphotoEvent,
  ScanCodePushEvent,
  SubscribeEvent,
  TextMessage,
  UnknownEvent,
  UserGetCardEvent,
  VoiceMessage,
} from '../../src/core/messages/types.js';
import { ZgRoBot } from '../../src/robot.js';

describe('Router narrows ctx.wechat.message per route', () => {
  it('text → TextMessage', () => {
    new Router().text((ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage>();
      expectTypeOf(ctx.wechat.message.content).toEqualTypeOf<string>();
      expectTypeOf(ctx.wechat.message.type).toEqualTypeOf<'text'>();
      expectTypeOf(ctx.wechat.message.messageId).toEqualTypeOf<string>();
      expectTypeOf(ctx.wechat.message.time).toEqualTypeOf<number>();
      return ctx.wechat.message.content;
    });
  });

  it('subscribe → SubscribeEvent, with optional key and ticket', () => {
    new Router().subscribe((ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<SubscribeEvent>();
      expectTypeOf(ctx.wechat.message.key).toEqualTypeOf<string | undefined>();
      expectTypeOf(ctx.wechat.message.ticket).toEqualTypeOf<string | undefined>();
      return '感谢这位小可爱的关注~';
    });
  });

  it('field types follow the table: floats, ints, pic lists, optional fields', () => {
    new Router()
      .location((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<LocationMessage>();
        expectTypeOf(ctx.wechat.message.locationX).toEqualTypeOf<number>();
        expectTypeOf(ctx.wechat.message.scale).toEqualTypeOf<number>();
        expectTypeOf(ctx.wechat.message.label).toEqualTypeOf<string>();
      })
      .voice((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<VoiceMessage>();
        expectTypeOf(ctx.wechat.message.recognition).toEqualTypeOf<string | undefined>();
      })
      .picSysphoto((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<PicSysphotoEvent>();
        expectTypeOf(ctx.wechat.message.picList).toEqualTypeOf<PicListItem[]>();
        expectTypeOf(ctx.wechat.message.count).toEqualTypeOf<number>();
      })
      .scancodePush((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<ScanCodePushEvent>();
        expectTypeOf(ctx.wechat.message.scanResult).toEqualTypeOf<string>();
      })
      .locationEvent((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<LocationEvent>();
        expectTypeOf(ctx.wechat.message.latitude).toEqualTypeOf<number>();
      })
      .userGetCard((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<UserGetCardEvent>();
        expectTypeOf(ctx.wechat.message.isGiveByFriend).toEqualTypeOf<number | undefined>();
      })
      .cardPayOrder((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<CardPayOrderEvent>();
        expectTypeOf(ctx.wechat.message.cardId).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.wechat.message.userCardCode).toEqualTypeOf<string | undefined>();
      })
      .unknownEvent((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<UnknownEvent>();
        expectTypeOf(ctx.wechat.message.raw).toEqualTypeOf<string>();
      });
  });

  it("on(['text', 'location']) → the union, narrowed again by `type`", () => {
    new Router().on(['text', 'location'], (ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage | LocationMessage>();
      const message = ctx.wechat.message;
      if (message.type === 'text') expectTypeOf(message).toEqualTypeOf<TextMessage>();
      else expectTypeOf(message).toEqualTypeOf<LocationMessage>();
    });
    new Router().on('click_event', (ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<ClickEvent>();
    });
  });

  it('keyClick → ClickEvent', () => {
    new Router().keyClick('music', (ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<ClickEvent>();
      expectTypeOf(ctx.wechat.message.key).toEqualTypeOf<string>();
      return '你点击了“今日歌曲”按钮';
    });
  });

  it('filter → TextMessage, with ctx.wechat.match', () => {
    new Router().filter(/(.*?)e(.*)/, 'f', (ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage>();
      expectTypeOf(ctx.wechat.match).toEqualTypeOf<RegExpExecArray | undefined>();
      return ctx.wechat.match?.[1] ?? '';
    });
    new Router().addFilter(
      (ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage>();
      },
      ['hello', /hi/],
    );
  });

  it('handler / all / addHandler get any message', () => {
    new Router()
      .handler((ctx) => {
        expectTypeOf(ctx.wechat.message).toEqualTypeOf<AnyMessage>();
        expectTypeOf(ctx.wechat.session).toEqualTypeOf<Record<string, unknown>>();
      })
      .all((ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<WechatContext<AnyMessage>>();
      })
      .addHandler(() => 'x', 'text');
  });

  it('the robot has the same narrowed methods', () => {
    const robot = new ZgRoBot({ token: 't', sessionStorage: false });
    robot.text((ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<TextMessage>();
    });
    robot.subscribe((ctx) => {
      expectTypeOf(ctx.wechat.message).toEqualTypeOf<SubscribeEvent>();
    });
    // Route methods return the object they were called on: a chain on a robot stays a robot.
    expectTypeOf(robot.text(() => 'x')).toEqualTypeOf<ZgRoBot>();
    expectTypeOf(robot.text(() => 'x').subscribe(() => 'y').run).toEqualTypeOf<ZgRoBot['run']>();
    expectTypeOf(robot.filter('a', () => 'b')).toEqualTypeOf<ZgRoBot>();
    expectTypeOf(new Router().text(() => 'x')).toEqualTypeOf<Router>();
  });

  it('handlers may return the seed reply shapes, sync or async', () => {
    new Router()
      .text(() => 'text')
      .text(async () => 'async text')
      .text(() => [['title', 'description', 'img', 'url']] as const)
      .text(() => ['title', 'description', 'url'] as const)
      .text(() => undefined)
      .text(() => {});
  });

  it('a wrong type name or a wrong field is a compile error', () => {
    const routes = new Router();
    // @ts-expect-error: 'txt' is not a message type
    expect(() => routes.on('txt', () => 'x'));
    // @ts-expect-error: the type is 'subscribe_event', the method is subscribe()
    expect(() => routes.on(['text', 'subscribe'], () => 'x'));
    // @ts-expect-error: 'txt' is not a message type
    expect(() => routes.addHandler(() => 'x', 'txt'));
    // @ts-expect-error: there is no such route method
    expect(() => routes.txt(() => 'x'));
    routes.text((ctx) => {
      // @ts-expect-error: a text message has no `key`
      return ctx.wechat.message.key;
    });
    routes.subscribe((ctx) => {
      // @ts-expect-error: an event has no `content`
      return ctx.wechat.message.content;
    });
    routes.keyClick('k', (ctx) => {
      // @ts-expect-error: a click has no `content`
      return ctx.wechat.message.content;
    });
    // @ts-expect-error: a handler returning a number is not a reply
    routes.text(() => 42);
  });
});

// Runtime no-op: the assertions above are checked by tsc.
function expect(_thunk: () => unknown): void {}
