import { describe, expectTypeOf, it } from 'vitest';
import { Config, type ConfigValues } from '../src/config.js';
import { ZgRoBot } from '../src/robot.js';

describe("the seed's keys are typed as ours", () => {
  it('config.HOST is a string, config.PORT a number, and so on', () => {
    const config = new Config();
    expectTypeOf(config.HOST).toEqualTypeOf<string>();
    expectTypeOf(config.PORT).toEqualTypeOf<number>();
    expectTypeOf(config.TOKEN).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.SESSION_STORAGE).toEqualTypeOf<ConfigValues['sessionStorage']>();
    expectTypeOf(config.TIMESTAMP_WINDOW).toEqualTypeOf<number | false>();
    expectTypeOf(new ZgRoBot({ token: 't' }).config.APP_ID).toEqualTypeOf<string | undefined>();
  });

  it('a value of the wrong type, or a key the seed never had, does not type-check', () => {
    // Only type-checked: at run time the second line would throw (a Config is not extensible).
    const never = (config: Config) => {
      // @ts-expect-error PORT is a number
      config.PORT = '80';
      // @ts-expect-error no such key
      config.HOTS = '0.0.0.0';
    };
    expectTypeOf(never).parameter(0).toEqualTypeOf<Config>();
  });
});
