// Lines below the logger's level cost nothing: a logger that says (pino's isLevelEnabled) it does
// not write debug never gets the turn's debug line, nor are the fields of a per-message logger made
// when nothing is logged through it.
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  type Logger,
  type LogMethod,
  levelEnabled,
  silentLogger,
  withFields,
} from '../../src/core/logger.js';
import { enablePrettyLogging, ZgRoBot } from '../../src/index.js';
import { recordingLogger } from '../middleware/helpers.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';

const LEVELS: LogMethod[] = ['debug', 'info', 'warn', 'error'];

describe('levelEnabled(logger, level)', () => {
  it("reads the console logger's level, silentLogger's and pino's", () => {
    const pretty = enablePrettyLogging(recordingLogger(), 'warn');
    expect(LEVELS.map((level) => levelEnabled(pretty, level))).toEqual([false, false, true, true]);
    expect(pretty.child?.({ a: 1 }).isLevelEnabled?.('info')).toBe(false);
    expect(LEVELS.map((level) => levelEnabled(silentLogger, level))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const fromPino = pino({ level: 'info' });
    expect(LEVELS.map((level) => levelEnabled(fromPino, level))).toEqual([false, true, true, true]);
  });

  it('is true for a logger that cannot tell, and passes through withFields', () => {
    const recording = recordingLogger();
    expect(levelEnabled(recording, 'debug')).toBe(true);
    expect(levelEnabled(withFields(silentLogger, { a: 1 }), 'error')).toBe(false);
    expect(levelEnabled(withFields(recording, { a: 1 }), 'debug')).toBe(true);
  });
});

describe('withFields(logger, () => fields)', () => {
  it('makes the fields on the first line only, and not at all when nothing is logged', () => {
    let made = 0;
    const fields = () => {
      made++;
      return { openid: 'o1' };
    };
    withFields(recordingLogger(), fields);
    expect(made).toBe(0);
    const recording = recordingLogger();
    const logger = withFields(recording, fields);
    logger.warn({ step: 1 }, 'one');
    logger.error('two');
    expect(made).toBe(1);
    expect(recording.entries.map((e) => e.fields)).toEqual([
      { openid: 'o1', step: 1 },
      { openid: 'o1' },
    ]);
  });
});

describe("the turn's debug line", () => {
  /** A recording logger that says whether it writes debug. */
  function logger(debug: boolean | undefined): Logger & { debugCalls: unknown[] } {
    const recording = recordingLogger();
    const debugCalls: unknown[] = [];
    return Object.assign(recording, {
      debugCalls,
      debug: (obj: object | string, msg?: string) => debugCalls.push([obj, msg]),
      ...(debug === undefined
        ? {}
        : { isLevelEnabled: (level: LogMethod) => level !== 'debug' || debug }),
    });
  }

  async function turnWith(target: ReturnType<typeof logger>) {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: target });
    robot.text((ctx) => ctx.wechat.message.content);
    const answer = await request(robot.callback())
      .post(`/?${signedQuery(TOKEN)}`)
      .send(textXml('hi'));
    expect(answer.status).toBe(200);
    await robot.close();
  }

  it('is not built when the logger does not write debug', async () => {
    const quiet = logger(false);
    await turnWith(quiet);
    expect(quiet.debugCalls).toEqual([]);
  });

  it('is written with its fields when it does, or cannot tell', async () => {
    for (const debug of [true, undefined]) {
      const loud = logger(debug);
      await turnWith(loud);
      expect(loud.debugCalls).toEqual([
        [expect.objectContaining({ openid: 'user_openid', msgType: 'text' }), 'zgrobot: turn done'],
      ]);
    }
  });
});
