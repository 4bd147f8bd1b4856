// co-wechat ships no types; the bench uses only this much of it (a reference row, not our code).
declare module 'co-wechat' {
  import type { Middleware } from 'koa';

  interface CoWechat {
    middleware(
      handle: (message: Record<string, string>, ctx: unknown) => unknown | Promise<unknown>,
    ): Middleware;
  }

  export default function wechat(
    config: { token: string; appid?: string; encodingAESKey?: string },
    isDebug?: boolean,
  ): CoWechat;
}
