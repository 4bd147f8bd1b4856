import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const example = fileURLToPath(new URL('../../examples/create-menu.ts', import.meta.url));
const menuFile = fileURLToPath(new URL('../../examples/menu.json', import.meta.url));

let api: FakeWeChatApi;
beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.reset();
});

/** Run the example as its own process, against the fake server. */
function runExample(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', example], {
    cwd: root,
    env: {
      ...process.env,
      WECHAT_APP_ID: 'wx-example',
      WECHAT_APP_SECRET: 'example-secret',
      WECHAT_API_BASE: api.url,
      ...env,
    },
    timeout: 30_000,
  });
}

describe('examples/create-menu.ts', () => {
  it('posts menu.json to /cgi-bin/menu/create with a fresh token', async () => {
    api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
    const { stdout } = await runExample({});
    expect(stdout).toContain('menu created');

    const [tokenRequest] = api.tokenRequests();
    expect(tokenRequest!.query).toEqual({
      grant_type: 'client_credential',
      appid: 'wx-example',
      secret: 'example-secret',
    });
    const creates = api.requestsTo('/cgi-bin/menu/create');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.method).toBe('POST');
    expect(creates[0]!.query).toEqual({ access_token: 'token-1' });
    expect(creates[0]!.json).toEqual(JSON.parse(await readFile(menuFile, 'utf8')));
  });

  it('exits non-zero and prints the WeChat error when createMenu fails', async () => {
    api.on('POST', '/cgi-bin/menu/create', {
      json: { errcode: 40018, errmsg: 'invalid button name size' },
    });
    const error = await runExample({}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain('40018 invalid button name size');
  });
});
