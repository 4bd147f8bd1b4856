import { describe, expectTypeOf, it } from 'vitest';
import type {
  Client,
  MassSendResult,
  MediaDownload,
  SubmitPublishResult,
  TokenStore,
} from '../../src/core/client/index.js';

/** Keys of `T` whose type is `any`. */
type AnyKeys<T> = { [K in keyof T]: 0 extends 1 & T[K] ? K : never }[keyof T];

/** The public methods of Client. */
type Methods = {
  [K in keyof Client as Client[K] extends (...args: never[]) => unknown ? K : never]: Client[K];
};
type Results = { [K in keyof Methods]: Awaited<ReturnType<Methods[K]>> };
type Params = { [K in keyof Methods]: Parameters<Methods[K]> };
/** Methods with a parameter typed `any` (a union with `any` is `any`). */
type ParamAnyKeys = {
  [K in keyof Params]: 0 extends 1 & Params[K][number] ? K : never;
}[keyof Params];

describe('Client public types', () => {
  it('no method resolves to any', () => {
    expectTypeOf<AnyKeys<Results>>().toBeNever();
  });

  it('no method takes an any parameter', () => {
    expectTypeOf<ParamAnyKeys>().toBeNever();
  });

  it('64-bit ids are strings and downloads are files', () => {
    expectTypeOf<MassSendResult['msg_id']>().toEqualTypeOf<string>();
    expectTypeOf<SubmitPublishResult['publish_id']>().toEqualTypeOf<string>();
    expectTypeOf<Results['showQrcode']>().toEqualTypeOf<MediaDownload>();
    expectTypeOf<Results['getAccessToken']>().toEqualTypeOf<string>();
  });

  it('a TokenStore needs only get and set', () => {
    expectTypeOf<{
      get(): Promise<{ token: string; expiresAt: number } | undefined>;
      set(v: { token: string; expiresAt: number }): Promise<void>;
    }>().toExtend<TokenStore>();
  });
});
