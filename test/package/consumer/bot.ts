// A consumer's bot, compiled by the consumer's own strict TypeScript against the installed
// package. `ctx` must be fully typed: a handler's message is exactly the kind registered for.
import { MemoryStorage, ZgRoBot } from 'zgrobot';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const TOKEN = 'consumer-token';

export const robot = new ZgRoBot({ token: TOKEN, sessionStorage: new MemoryStorage() });

robot.text((ctx) => {
  const content = ctx.wechat.message.content;
  // Exactly `string`: this line fails if `ctx` (or the message) is `any`.
  const contentIsString: Equals<typeof content, string> = true;
  // @ts-expect-error a text message has no mediaId (an unused directive fails if `ctx` is `any`)
  void ctx.wechat.message.mediaId;
  return contentIsString ? `echo: ${content}` : 'unreachable';
});

robot.image((ctx) => {
  const mediaId: string = ctx.wechat.message.mediaId;
  return `image ${mediaId}`;
});
