import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, DEFAULT_CONFIG } from '../src/config.js';
import { InvalidEncodingAESKeyError } from '../src/core/errors.js';
import { MemoryStorage } from '../src/core/session/memory.js';
import { AES_KEY } from './support/wechat.js';

describe('Config defaults (seed §11.1)', () => {
  it('match the seed', () => {
    const config = new Config();
    expect({
      token: config.token,
      server: config.server,
      host: config.host,
      port: config.port,
      sessionStorage: config.sessionStorage,
      appId: config.appId,
      appSecret: config.appSecret,
      encodingAESKey: config.encodingAESKey,
    }).toEqual({
      token: undefined,
      server: 'auto',
      host: '127.0.0.1',
      port: 8888,
      sessionStorage: undefined,
      appId: undefined,
      appSecret: undefined,
      encodingAESKey: undefined,
    });
    expect(config.replyTimeout).toBe(4500);
    expect(config.bodyLimit).toBe(1024 * 1024);
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
  });
});

describe('Config.fromObject', () => {
  it("reads the seed's upper-case keys", () => {
    const config = new Config().fromObject({
      TOKEN: 't',
      HOST: '0.0.0.0',
      PORT: '80',
      APP_ID: 'wx1',
      APP_SECRET: 's',
      ENCODING_AES_KEY: AES_KEY,
      SERVER: 'auto',
      SESSION_STORAGE: false,
    });
    expect(config).toMatchObject({
      token: 't',
      host: '0.0.0.0',
      port: 80,
      appId: 'wx1',
      appSecret: 's',
      encodingAESKey: AES_KEY,
      sessionStorage: false,
    });
  });

  it('reads camelCase keys and ignores unknown ones', () => {
    const storage = new MemoryStorage();
    const config = new Config({
      token: 't',
      appId: 'wx2',
      port: 8080,
      sessionStorage: storage,
      replyTimeout: 1000,
      somethingElse: 1,
      host_lower: 'x',
    });
    expect(config).toMatchObject({ token: 't', appId: 'wx2', port: 8080, replyTimeout: 1000 });
    expect(config.sessionStorage).toBe(storage);
    expect(config).not.toHaveProperty('somethingElse');
  });

  it("reads the static fields of a class, like the seed's from_object(MyConfig)", () => {
    // biome-ignore lint/complexity/noStaticOnlyClass: the seed's own shape, on purpose.
    class MyConfig {
      static HOST = '0.0.0.0';
      static PORT = 80;
    }
    expect(new Config().fromObject(MyConfig)).toMatchObject({ host: '0.0.0.0', port: 80 });
  });

  it('update() sets several values; undefined leaves a value alone', () => {
    const config = new Config({ token: 'a' });
    config.update({ host: '0.0.0.0', port: 80, token: undefined });
    expect(config).toMatchObject({ token: 'a', host: '0.0.0.0', port: 80 });
  });

  it.each([
    [{ port: 'eighty' }],
    [{ PORT: -1 }],
    [{ replyTimeout: Number.NaN }],
    [{ sessionStorage: 'sqlite' }],
    [{ SESSION_STORAGE: {} }],
  ] as Record<string, unknown>[][])('refuses %j', (values) => {
    expect(() => new Config().fromObject(values)).toThrow(TypeError);
  });

  it('a malformed EncodingAESKey throws InvalidEncodingAESKeyError when it is set', () => {
    expect(() => new Config({ encodingAESKey: 'too short' })).toThrow(InvalidEncodingAESKeyError);
    expect(() => new Config().fromObject({ ENCODING_AES_KEY: `${AES_KEY}x` })).toThrow(
      InvalidEncodingAESKeyError,
    );
    const config = new Config();
    expect(() => {
      config.encodingAESKey = '!'.repeat(43);
    }).toThrow(InvalidEncodingAESKeyError);
    config.encodingAESKey = AES_KEY;
    expect(config.encodingAESKey).toBe(AES_KEY);
    config.encodingAESKey = '';
    expect(config.encodingAESKey).toBeUndefined();
  });

  it('toJSON masks the secrets', () => {
    const json = new Config({ token: 'tok', appSecret: 'sec', encodingAESKey: AES_KEY }).toJSON();
    expect(JSON.stringify(json)).not.toMatch(/tok"|sec"|abcdefghij/);
    expect(json).toMatchObject({ token: '***', appSecret: '***', encodingAESKey: '***' });
  });
});

describe("the seed's keys read and written directly (config['HOST'])", () => {
  // Written out here rather than imported, so a renamed key in src/config.ts shows up as a failure.
  const PAIRS: [seed: string, ours: string, value: unknown][] = [
    ['TOKEN', 'token', 't'],
    ['SERVER', 'server', 'tornado'],
    ['HOST', 'host', '0.0.0.0'],
    ['PORT', 'port', 8899],
    ['SESSION_STORAGE', 'sessionStorage', false],
    ['APP_ID', 'appId', 'wx1'],
    ['APP_SECRET', 'appSecret', 's'],
    ['ENCODING_AES_KEY', 'encodingAESKey', AES_KEY],
    ['ENCRYPT_MODE', 'encryptMode', 'compatible'],
    ['TIMESTAMP_WINDOW', 'timestampWindow', 60],
    ['NONCE_STORE', 'nonceStore', false],
    ['REPLY_TIMEOUT', 'replyTimeout', 1000],
    ['BODY_LIMIT', 'bodyLimit', 2048],
    ['BODY_TIMEOUT', 'bodyTimeout', 5000],
    ['HEADERS_TIMEOUT', 'headersTimeout', 5000],
    ['REQUEST_TIMEOUT', 'requestTimeout', 6000],
    ['KEEP_ALIVE_TIMEOUT', 'keepAliveTimeout', 1000],
    ['CONNECTIONS_CHECKING_INTERVAL', 'connectionsCheckingInterval', 500],
    ['MAX_CONNECTIONS', 'maxConnections', 10],
    ['DEDUPE', 'dedupe', false],
    ['LATE_REPLY', 'lateReply', 'drop'],
    ['FINAL_DEADLINE', 'finalDeadline', 20_000],
    ['TYPING', 'typing', true],
  ];

  it.each(PAIRS)("config['%s'] = x sets config.%s, and reads it back", (seed, ours, value) => {
    const config = new Config();
    const loose = config as unknown as Record<string, unknown>;
    loose[seed] = value;
    expect(loose[ours]).toEqual(value);
    expect(loose[seed]).toEqual(value);
  });

  it("the seed's own lines (§2, §5.6): HOST, PORT, APP_ID, SESSION_STORAGE", () => {
    const config = new Config();
    config.HOST = '0.0.0.0';
    config.PORT = 80;
    config.APP_ID = '你的 AppID';
    const storage = new MemoryStorage();
    config.SESSION_STORAGE = storage;
    expect(config).toMatchObject({ host: '0.0.0.0', port: 80, appId: '你的 AppID' });
    expect(config.sessionStorage).toBe(storage);
    config.host = '127.0.0.1';
    expect(config.HOST).toBe('127.0.0.1');
  });

  it('a written value is validated as fromObject validates it, with the same error', () => {
    const config = new Config();
    const loose = config as unknown as Record<string, unknown>;
    const viaFromObject = (() => {
      try {
        new Config().fromObject({ replyTimeout: 'abc' });
      } catch (error) {
        return error;
      }
    })();
    expect(viaFromObject).toBeInstanceOf(TypeError);
    expect(() => {
      loose.REPLY_TIMEOUT = 'abc';
    }).toThrow(viaFromObject as TypeError);
    expect(() => {
      loose.PORT = 'eighty';
    }).toThrow(TypeError);
    expect(() => {
      loose.SESSION_STORAGE = 'sqlite';
    }).toThrow(TypeError);
    expect(() => {
      config.ENCODING_AES_KEY = 'too short';
    }).toThrow(InvalidEncodingAESKeyError);
    expect(config.replyTimeout).toBe(4500);
    // Strings are converted as fromObject converts them (a seed config file may hold '80').
    loose.PORT = '80';
    expect(config.port).toBe(80);
  });

  it('undefined restores the default', () => {
    const config = new Config({ host: '0.0.0.0', port: 80, token: 't' });
    const loose = config as unknown as Record<string, unknown>;
    loose.HOST = undefined;
    loose.PORT = undefined;
    config.TOKEN = undefined;
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8888, token: undefined });
  });

  it('the aliases are not own properties: keys, JSON and toMatchObject see our names only', () => {
    const config = new Config({ HOST: '0.0.0.0' });
    expect(Object.keys(config)).not.toContain('HOST');
    expect(Object.keys(config.toJSON())).not.toContain('HOST');
    expect(JSON.stringify(config)).toContain('"host":"0.0.0.0"');
  });

  it('a misspelt key throws instead of vanishing; a subclass may still add fields', () => {
    const config = new Config();
    expect(() => {
      (config as unknown as Record<string, unknown>).HOTS = '0.0.0.0';
    }).toThrow(TypeError);
    expect(config.host).toBe('127.0.0.1');
    class MyConfig extends Config {
      extra = 1;
    }
    expect(new MyConfig({ PORT: 81 })).toMatchObject({ extra: 1, port: 81, PORT: 81 });
  });

  it("fromObject still ignores keys it does not know (the seed's from_object)", () => {
    expect(() => new Config().fromObject({ HOTS: 'x', lower: 1 })).not.toThrow();
  });
});

describe('Config.fromEnv', () => {
  it('reads ZGROBOT_* variables', () => {
    const config = Config.fromEnv({
      ZGROBOT_TOKEN: 'env-token',
      ZGROBOT_APP_ID: 'wx-env',
      ZGROBOT_APP_SECRET: 'env-secret',
      ZGROBOT_ENCODING_AES_KEY: AES_KEY,
      ZGROBOT_HOST: '0.0.0.0',
      ZGROBOT_PORT: '9999',
      ZGROBOT_REPLY_TIMEOUT: '3000',
      ZGROBOT_BODY_LIMIT: '2048',
      ZGROBOT_SESSION_STORAGE: 'false',
    });
    expect(config).toMatchObject({
      token: 'env-token',
      appId: 'wx-env',
      appSecret: 'env-secret',
      encodingAESKey: AES_KEY,
      host: '0.0.0.0',
      port: 9999,
      replyTimeout: 3000,
      bodyLimit: 2048,
      sessionStorage: false,
    });
  });

  it('reads the body timeout and the server limits of run()', () => {
    const config = Config.fromEnv({
      ZGROBOT_BODY_TIMEOUT: '3000',
      ZGROBOT_HEADERS_TIMEOUT: '4000',
      ZGROBOT_REQUEST_TIMEOUT: '6000',
      ZGROBOT_KEEP_ALIVE_TIMEOUT: '2000',
      ZGROBOT_CONNECTIONS_CHECKING_INTERVAL: '500',
      ZGROBOT_MAX_CONNECTIONS: '64',
    });
    expect(config.toJSON()).toMatchObject({
      bodyTimeout: 3000,
      headersTimeout: 4000,
      requestTimeout: 6000,
      keepAliveTimeout: 2000,
      connectionsCheckingInterval: 500,
      maxConnections: 64,
    });
    expect(() => new Config({ MAX_CONNECTIONS: -1 })).toThrow(TypeError);
  });

  it('empty variables are skipped; SESSION_STORAGE reads true (the default) or false', () => {
    const config = Config.fromEnv({ ZGROBOT_TOKEN: '', ZGROBOT_SESSION_STORAGE: 'true' });
    expect(config.token).toBeUndefined();
    expect(config.sessionStorage).toBeUndefined();
    expect(() => Config.fromEnv({ ZGROBOT_SESSION_STORAGE: 'sqlite' })).toThrow(
      "ZGROBOT_SESSION_STORAGE must be 'false' (off) or 'true' (the default; other stores are set in code), got sqlite",
    );
  });

  it('a bad key in the environment throws at once', () => {
    expect(() => Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: 'bad' })).toThrow(
      InvalidEncodingAESKeyError,
    );
  });
});

describe('Config.fromFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zgrobot-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a JSON file with seed keys', async () => {
    const file = join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify({ TOKEN: 'json', HOST: '0.0.0.0', PORT: 80, appId: 'wx' }),
    );
    expect(await new Config().fromFile(file)).toMatchObject({
      token: 'json',
      host: '0.0.0.0',
      port: 80,
      appId: 'wx',
    });
  });

  it('an .mjs module: default export', async () => {
    const file = join(dir, 'default.mjs');
    await writeFile(file, "export default { TOKEN: 'mjs', PORT: 81 };\n");
    expect(await new Config().fromFile(file)).toMatchObject({ token: 'mjs', port: 81 });
  });

  it('an .mjs module: named exports, like a config.py', async () => {
    const file = join(dir, 'named.mjs');
    await writeFile(file, "export const HOST = '0.0.0.0';\nexport const PORT = 82;\n");
    expect(await new Config().fromFile(file)).toMatchObject({ host: '0.0.0.0', port: 82 });
  });

  it('a .ts module', async () => {
    const file = join(dir, 'config.ts');
    await writeFile(
      file,
      "const config: { TOKEN: string; APP_ID: string } = { TOKEN: 'ts', APP_ID: 'wx-ts' };\nexport default config;\n",
    );
    expect(await new Config().fromFile(file)).toMatchObject({ token: 'ts', appId: 'wx-ts' });
  });

  it('a missing file rejects', async () => {
    await expect(new Config().fromFile(join(dir, 'missing.json'))).rejects.toThrow();
  });
});
