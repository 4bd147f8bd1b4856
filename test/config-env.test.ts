// Every setting has its ZGROBOT_* variable, documented in docs/configuration.md; a value the
// setting cannot take is refused with the variable's name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Config, type ConfigValues, DEFAULT_CONFIG, envVariableOf } from '../src/config.js';
import { encodingAESKeys } from '../src/core/crypto/key-ring.js';
import { InvalidEncodingAESKeyError } from '../src/core/errors.js';
import { AES_KEY } from './support/wechat.js';

type Key = keyof ConfigValues;

/** For each setting: a value of its variable and what the setting becomes. */
const SAMPLES: Record<Key, [string, unknown]> = {
  token: ['env-token', 'env-token'],
  server: ['gevent', 'gevent'],
  host: ['0.0.0.0', '0.0.0.0'],
  port: ['8899', 8899],
  sessionStorage: ['false', false],
  appId: ['wx-env', 'wx-env'],
  appSecret: ['env-secret', 'env-secret'],
  encodingAESKey: [AES_KEY, AES_KEY],
  encryptMode: ['compatible', 'compatible'],
  timestampWindow: ['false', false],
  nonceStore: ['false', false],
  replyTimeout: ['3000', 3000],
  bodyLimit: ['2048', 2048],
  bodyTimeout: ['3000', 3000],
  headersTimeout: ['4000', 4000],
  requestTimeout: ['6000', 6000],
  keepAliveTimeout: ['2000', 2000],
  connectionsCheckingInterval: ['500', 500],
  maxConnections: ['64', 64],
  dedupe: ['false', false],
  lateReply: ['drop', 'drop'],
  finalDeadline: ['12000', 12000],
  shutdownTimeout: ['20000', 20000],
  proxy: ['2', 2],
  typing: ['true', true],
};

/** For each setting that can be given a wrong value: one, and the start of the error. */
const WRONG: Partial<Record<Key, [string, string]>> = {
  port: ['70000', 'must be a port number (0 to 65535), got 70000'],
  replyTimeout: ['soon', 'must be a non-negative number, got soon'],
  bodyLimit: ['1m', 'must be a non-negative number, got 1m'],
  bodyTimeout: ['-1', 'must be a non-negative number, got -1'],
  headersTimeout: ['ten', 'must be a non-negative number, got ten'],
  requestTimeout: ['ten', 'must be a non-negative number, got ten'],
  keepAliveTimeout: ['ten', 'must be a non-negative number, got ten'],
  connectionsCheckingInterval: ['ten', 'must be a non-negative number, got ten'],
  maxConnections: ['many', 'must be a non-negative number, got many'],
  finalDeadline: ['later', 'must be a non-negative number, got later'],
  shutdownTimeout: ['1s', 'must be a non-negative number, got 1s'],
  proxy: ['1.5', 'must be the number of proxies in front of the robot (0, 1, …), got 1.5'],
  timestampWindow: ['5min', 'must be seconds (≥ 0) or false, got 5min'],
  encryptMode: ['secret', "must be 'plain', 'compatible' or 'safe', got secret"],
  lateReply: ['push', "must be 'customer-service' or 'drop', got push"],
  sessionStorage: ['sqlite', "must be 'false' (off) or 'true' (the default"],
  dedupe: ['redis', "must be 'false' (off) or 'true' (the default"],
  nonceStore: ['redis', "must be 'false' (off) or 'true' (the default"],
};

const keys = Object.keys(DEFAULT_CONFIG).sort() as Key[];

describe('ZGROBOT_* variables', () => {
  it('there is a sample for every setting (a new setting needs its line here)', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(keys);
  });

  it.each(keys)('%s has its variable, read by Config.fromEnv', (key) => {
    const variable = envVariableOf(key);
    expect(variable).toMatch(/^ZGROBOT_[A-Z_]+$/);
    const [value, expected] = SAMPLES[key];
    expect(Config.fromEnv({ [variable]: value })[key]).toEqual(expected);
    expect(Config.fromEnv({})[key]).toEqual(DEFAULT_CONFIG[key]);
  });

  it('the variables are the upper-case keys: ZGROBOT_REPLY_TIMEOUT for REPLY_TIMEOUT', () => {
    for (const key of keys) {
      const upper = envVariableOf(key).slice('ZGROBOT_'.length);
      expect((new Config() as unknown as Record<string, unknown>)[upper]).toEqual(
        DEFAULT_CONFIG[key],
      );
    }
  });

  it.each(Object.entries(WRONG))('a wrong %s names the variable', (key, wrong) => {
    const [value, message] = wrong ?? ['', ''];
    const variable = envVariableOf(key as Key);
    let caught: unknown;
    try {
      Config.fromEnv({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).message.startsWith(`${variable} ${message}`)).toBe(true);
  });

  it('the same wrong value in code names the setting', () => {
    expect(() => new Config({ replyTimeout: 'soon' as unknown as number })).toThrow(
      'config replyTimeout must be a non-negative number, got soon',
    );
  });

  it('a malformed ZGROBOT_ENCODING_AES_KEY names the variable', () => {
    expect(() => Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: 'too short' })).toThrow(
      InvalidEncodingAESKeyError,
    );
    expect(() => Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: 'too short' })).toThrow(
      /^ZGROBOT_ENCODING_AES_KEY: /,
    );
  });

  it('ZGROBOT_ENCODING_AES_KEY takes a rotation list, newest first, each key checked', () => {
    const newKey = 'NEWkeyNEWkeyNEWkeyNEWkeyNEWkeyNEWkey0123456';
    const oldKey = 'OLDkeyOLDkeyOLDkeyOLDkeyOLDkeyOLDkey0123456';
    const config = Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: `${newKey},${oldKey}` });
    expect(encodingAESKeys(config.encodingAESKey)).toEqual([newKey, oldKey]);
    expect(() => Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: `${newKey},too short` })).toThrow(
      /^ZGROBOT_ENCODING_AES_KEY: /,
    );
  });

  it('true restores the default of the settings that take an object in code', () => {
    const config = Config.fromEnv({
      ZGROBOT_SESSION_STORAGE: 'true',
      ZGROBOT_DEDUPE: 'true',
      ZGROBOT_NONCE_STORE: 'true',
    });
    expect([config.sessionStorage, config.dedupe, config.nonceStore]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('ZGROBOT_PROXY=true reads as one proxy', () => {
    expect(Config.fromEnv({ ZGROBOT_PROXY: 'true' }).proxy).toBe(1);
    expect(Config.fromEnv({ ZGROBOT_PROXY: 'false' }).proxy).toBe(0);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(\w+)` +\| `(ZGROBOT_[A-Z_]+)` +\| ([^|]+)\|/gm)].map(
    ([, key = '', variable = '', byDefault = '']) => ({ key, variable, byDefault }),
  );

  it('lists every setting once, with its variable', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(keys);
    for (const { key, variable } of rows) expect(variable).toBe(envVariableOf(key as Key));
  });

  it('gives the default of every setting that has a plain one', () => {
    for (const { key, byDefault } of rows) {
      const value = DEFAULT_CONFIG[key as Key];
      if (typeof value === 'number' || typeof value === 'string') {
        expect(byDefault, key).toContain(`\`${value}\``);
      }
    }
  });
});
