import { beforeAll, describe, expect, it } from 'vitest';
import { robot } from '../../examples/integrations/robot.js';
import { createTestClient } from '../../src/testing/index.js';

beforeAll(() => {
  robot.config.update({
    token: 'tokenhere',
    appId: 'wx0123456789abcdef',
    encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    // Both plaintext and encrypted clients below: WeChat's 兼容模式.
    encryptMode: 'compatible',
  });
});

describe('my bot', () => {
  const t = createTestClient(robot, { token: 'tokenhere' });

  it('echoes text', async () => {
    const reply = await t.text('你好');
    expect(reply).toMatchObject({ type: 'text', content: '你说：你好' });
  });

  it('welcomes new followers', async () => {
    expect(await t.event('subscribe')).toMatchObject({
      content: expect.stringContaining('感谢关注'),
    });
  });

  it('answers the music button with an article', async () => {
    const reply = await t.click('music');
    if (reply.type !== 'news') throw new Error(`expected news, got ${reply.type}`);
    expect(reply.articles[0]?.title).toBe('今日歌曲');
  });

  it('works in safe mode too: the reply comes encrypted, signed, and decrypts', async () => {
    const safe = createTestClient(robot, {
      token: 'tokenhere',
      appId: 'wx0123456789abcdef',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    });
    expect(await safe.text('秘密')).toMatchObject({ content: '你说：秘密' });
  });

  it('passes the URL check and refuses a wrong token', async () => {
    expect(await t.verify('echo')).toBe('echo');
    const stranger = createTestClient(robot, { token: 'wrong' });
    await expect(stranger.text('hi')).rejects.toMatchObject({ status: 403 });
  });
});
