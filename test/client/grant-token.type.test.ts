import { describe, expectTypeOf, it } from 'vitest';
import type { AccessTokenResult, ClientOptions } from '../../src/core/client/index.js';

type Grant = () => Promise<AccessTokenResult>;

describe('ClientOptions: appSecret or grantToken', () => {
  it('accepts either, or both', () => {
    expectTypeOf<{ appId: string; appSecret: string }>().toExtend<ClientOptions>();
    expectTypeOf<{ appId: string; grantToken: Grant }>().toExtend<ClientOptions>();
    expectTypeOf<{
      appId: string;
      appSecret: string;
      grantToken: Grant;
    }>().toExtend<ClientOptions>();
  });

  it('refuses neither', () => {
    expectTypeOf<{ appId: string }>().not.toExtend<ClientOptions>();
    expectTypeOf<{ appId: string; appSecret: undefined }>().not.toExtend<ClientOptions>();
  });

  it('grantToken must resolve to a token result', () => {
    expectTypeOf<{
      appId: string;
      grantToken: () => Promise<string>;
    }>().not.toExtend<ClientOptions>();
  });
});
