// The logger contract is pino's: pino itself, its child loggers and the console default fit it
// without a cast; a console-shaped `(message: string) => void` logger does not (it would get
// objects it cannot show).
import pino from 'pino';
import { describe, expectTypeOf, it } from 'vitest';
import { pipeline } from '../../middleware/pipeline.js';
import { Router } from '../../middleware/routes.js';
import { Client } from '../../src/core/client/client.js';
import { enablePrettyLogging, type Logger, silentLogger, ZgRoBot } from '../../src/index.js';

describe('Logger', () => {
  it('pino() and its child loggers are Loggers, as they are', () => {
    const logger = pino();
    expectTypeOf(logger).toExtend<Logger>();
    expectTypeOf(logger.child({ module: 'wechat' })).toExtend<Logger>();
    expectTypeOf(pino({ level: 'debug' }).child({ a: 1 }).child({ b: 2 })).toExtend<Logger>();
    new ZgRoBot({ token: 't', logger });
    new ZgRoBot({ token: 't', logger: logger.child({ bot: 'one' }) });
    pipeline({ token: 't', routes: new Router(), logger });
    new Client({ appId: 'wx', appSecret: 's', logger });
  });

  it('console, the console default and silentLogger are Loggers', () => {
    expectTypeOf(console).toExtend<Logger>();
    expectTypeOf(enablePrettyLogging(console, 'debug')).toExtend<Logger>();
    expectTypeOf(silentLogger).toExtend<Logger>();
  });

  it("takes pino's two call shapes, and nothing else", () => {
    const logger: Logger = silentLogger;
    logger.error({ err: new Error('x'), openid: 'o1' }, 'zgrobot: a handler threw');
    logger.info({ openid: 'o1' });
    logger.warn('zgrobot: a message alone');
    // @ts-expect-error: the console's order (message, then the error) is not the contract
    logger.error('zgrobot: a handler threw', new Error('x'));
    // @ts-expect-error: a message is a string
    logger.info({ openid: 'o1' }, 42);
  });

  it('a console-shaped logger (message first) is refused', () => {
    const old = { debug: (m: string) => m, info: (m: string) => m, warn: (m: string) => m };
    // @ts-expect-error: `(m: string) => …` cannot take the fields object
    new ZgRoBot({ token: 't', logger: { ...old, error: (m: string) => m } });
  });
});
