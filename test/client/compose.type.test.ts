import { describe, expectTypeOf, it } from 'vitest';
import type { AREAS } from '../../src/core/client/client.js';
import type { Client, WeChatResult } from '../../src/core/client/index.js';
import type { MenuApi } from '../../src/core/client/menu.js';
import type { PublishApi } from '../../src/core/client/publish.js';

type Area = InstanceType<(typeof AREAS)[number]>;
/** Every public member name of every area (distributes over the union). */
type AreaKeys<A> = A extends unknown ? keyof A : never;

describe('Client composed of areas', () => {
  it('declares every method of every area in AREAS', () => {
    expectTypeOf<Exclude<AreaKeys<Area>, keyof Client>>().toBeNever();
  });

  it('keeps the area signatures exactly', () => {
    expectTypeOf<Client['createMenu']>().toEqualTypeOf<MenuApi['createMenu']>();
    expectTypeOf<Client['getPublishedList']>().toEqualTypeOf<PublishApi['getPublishedList']>();
    expectTypeOf<Client['createMenu']>().returns.resolves.toEqualTypeOf<WeChatResult>();
  });

  it('does not expose the areas or the caller', () => {
    expectTypeOf<Client>().not.toHaveProperty('call');
    expectTypeOf<Client>().not.toHaveProperty('api');
  });
});
