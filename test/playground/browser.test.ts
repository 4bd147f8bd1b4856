// The playground in a real browser: Playwright driving Debian's Chromium (headless) against the
// demo bot in a process of its own. Skipped, saying why, only when /usr/bin/chromium is missing
// (.ci/run installs it). ZGROBOT_SCREENSHOTS=1 writes the screenshots to docs/images/ (the
// README's); otherwise they go to a temporary directory.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Playground, startPlayground } from '../../src/playground/server.js';
import {
  AES_KEY,
  APP_ID,
  freePort,
  ROOT,
  type RunningBot,
  startDemoBot,
  startRawBot,
} from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`,
  );
}

const menu = JSON.parse(readFileSync(join(ROOT, 'examples/menu.json'), 'utf8'));
const shots = process.env.ZGROBOT_SCREENSHOTS
  ? join(ROOT, 'docs/images')
  : mkdtempSync(join(tmpdir(), 'zgrobot-shots-'));

/** A playground and the demo bot, each knowing the other's address. */
async function pair(env: Record<string, string>, keyed: boolean) {
  const port = await freePort();
  const pg = await startPlayground({
    url: `http://127.0.0.1:${port}/`,
    token: 'tokenhere',
    menu,
    ...(keyed ? { encodingAESKey: AES_KEY, appId: APP_ID } : {}),
  });
  const bot = await startDemoBot({ WECHAT_API_BASE: pg.url, ...env }, port);
  return { pg, bot };
}

describe.skipIf(!hasChromium)('the playground in Chromium', () => {
  let plain: { pg: Playground; bot: RunningBot };
  let encrypted: { pg: Playground; bot: RunningBot };
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  async function open(url: string): Promise<Page> {
    const opened = await browser.newPage();
    opened.on('pageerror', (error) => errors.push(error.message));
    opened.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await opened.goto(url);
    await opened.waitForSelector('body[data-ready]');
    return opened;
  }

  /** The text of the last element matching `selector` once it has `text`. */
  async function waitText(on: Page, selector: string, text: string, timeout = 10_000) {
    const element = await on.waitForSelector(`${selector}:has-text("${text}")`, { timeout });
    return (await element.textContent()) ?? '';
  }

  beforeAll(async () => {
    [plain, encrypted] = await Promise.all([
      pair({ ZGROBOT_REPLY_TIMEOUT: '300' }, false),
      pair({ ZGROBOT_ENCODING_AES_KEY: AES_KEY, ZGROBOT_APP_ID: APP_ID }, true),
    ]);
    profile = mkdtempSync(join(tmpdir(), 'zgrobot-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1440, height: 900 },
    });
    page = await open(plain.pg.url);
    mkdirSync(shots, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await Promise.all([plain?.pg.close(), encrypted?.pg.close()]);
    await Promise.all([plain?.bot.stop(), encrypted?.bot.stop()]);
  });

  it('types a message and sees the echo, then inspects the exchange', async () => {
    await page.click('.to-keyboard');
    await page.fill('.text-input', '你好');
    await page.click('.send-button');
    expect(await waitText(page, '.msg.in .bubble.text', '你说')).toBe('你说：你好（第 1 条）');
    await page.click('.msg.in:has-text("你说：你好")');
    await page.waitForSelector('.inspector .checks');
    expect(await page.locator('.inspector .checks li.ok').count()).toBe(5);
    expect(await page.locator('.inspector .checks li.bad').count()).toBe(0);
    expect(await page.locator('.inspector .request pre').nth(2).textContent()).toContain(
      '<Content><![CDATA[你好]]></Content>',
    );
  });

  it('taps a menu click and sees the news card; a sub-menu button', async () => {
    await page.click('.to-menu');
    await page.click('.menu-button:has-text("歌手简介")');
    await waitText(page, '.note.event', 'CLICK V1001_TODAY_SINGER');
    expect(await waitText(page, '.news-bubble .news-title', '歌手简介')).toBe('歌手简介');
    await page.click('.menu-button.parent');
    await page.click('.sub-menu button:has-text("赞一下我们")');
    await waitText(page, '.msg.in .bubble.text', '谢谢点赞');
  });

  it('sends a location with typed coordinates', async () => {
    await page.click('.to-keyboard');
    await page.click('.more-button');
    await page.click('.tool[data-tool=location]');
    await page.fill('input[name=locationX]', '31.2304');
    await page.fill('input[name=locationY]', '121.4737');
    await page.fill('input[name=label]', '上海市黄浦区');
    await page.click('.form-send');
    await waitText(page, '.msg.out .bubble.location', '上海市黄浦区');
    expect(await waitText(page, '.msg.in .bubble.text', '你在')).toBe(
      '你在 上海市黄浦区（31.2304, 121.4737）',
    );
  });

  it('shows a slow handler’s reply arriving late, as a customer-service message', async () => {
    await page.fill('.text-input', '慢');
    await page.press('.text-input', 'Enter');
    await waitText(page, '.note.no-reply', 'success');
    const late = await waitText(page, '.msg.in.custom', '久等', 15_000);
    expect(late).toContain('客服消息');
    await page.waitForSelector('.call[data-path="/cgi-bin/message/custom/send"]');
  }, 20_000);

  it('keeps simulated users side by side, each with a session of their own', async () => {
    await page.click('#add-user');
    const second = page.locator('.phone[data-user="o_playground_user_2"]');
    await second.locator('.to-keyboard').click();
    await second.locator('.text-input').fill('我是第二个用户');
    await second.locator('.send-button').click();
    await second.locator('.msg.in:has-text("第 1 条")').waitFor();
    const first = page.locator('.phone[data-user="o_playground_user_1"]');
    expect(await first.locator('.msg.in:has-text("第 1 条")').count()).toBe(1);
    expect(await second.locator('.msg.in').count()).toBe(1);
    await first.locator('.msg.in:has-text("歌手简介")').click();
    await page.screenshot({ path: join(shots, 'playground-chat.png'), fullPage: true });
  });

  it('talks in safe mode: the inspector shows the ciphertext and the decrypted reply', async () => {
    const safe = await open(encrypted.pg.url);
    try {
      expect(await safe.textContent('.mode')).toContain('安全模式');
      await safe.click('.to-keyboard');
      await safe.fill('.text-input', '加密的消息');
      await safe.click('.send-button');
      await waitText(safe, '.msg.in .bubble.text', '你说：加密的消息');
      await safe.click('.msg.in:has-text("加密的消息")');
      await safe.waitForSelector('.inspector .block.decrypted');
      expect(await safe.textContent('.inspector .block.decrypted pre')).toContain(
        '你说：加密的消息',
      );
      const cipher = await safe.locator('.inspector .block.cipher pre').allTextContents();
      expect(cipher).toHaveLength(2);
      for (const body of cipher) expect(body).toContain('<Encrypt>');
      expect(await safe.textContent('.inspector .checks')).toContain('✓ reply MsgSignature');
      await safe.screenshot({ path: join(shots, 'playground-encrypted.png') });
    } finally {
      await safe.close();
    }
  });

  it('flags an invalid reply in red, with the reason', async () => {
    const bad = await startRawBot((_req, _body, res) => {
      res.end(
        '<xml><ToUserName><![CDATA[o_wrong]]></ToUserName><FromUserName><![CDATA[gh_zgrobot_playground]]></FromUserName>' +
          '<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>',
      );
    });
    const pg = await startPlayground({ url: bad.url, token: 'tokenhere' });
    const view = await open(pg.url);
    try {
      await view.fill('.text-input', 'hello');
      await view.click('.send-button');
      const flagged = await waitText(view, '.msg.in.invalid .bubble.invalid', 'ToUserName');
      expect(flagged).toContain('"o_wrong", expected "o_playground_user_1"');
      expect(
        await view.$eval('.bubble.invalid', (element) => getComputedStyle(element).color),
      ).toBe('rgb(179, 38, 30)');
      await view.locator('.phone').screenshot({ path: join(shots, 'playground-invalid.png') });
    } finally {
      await view.close();
      await pg.close();
      await bad.close();
    }
  });

  it('covers every kind of the ＋ panel, follow, a QR scene, replay, and a menu the bot sets', async () => {
    const chat = await open(plain.pg.url);
    try {
      // The bot sets a menu through the API the playground plays: the page shows it at once.
      const created = await fetch(new URL('/cgi-bin/menu/create', plain.pg.url), {
        method: 'POST',
        body: JSON.stringify({
          button: [
            { type: 'scancode_waitmsg', name: '扫码', key: 'scan' },
            {
              name: '更多',
              sub_button: [
                { type: 'pic_sysphoto', name: '拍照', key: 'photo' },
                { type: 'location_select', name: '选位置', key: 'where' },
              ],
            },
            { type: 'click', name: '今日歌曲', key: 'music' },
          ],
        }),
      });
      expect(await created.json()).toEqual({ errcode: 0, errmsg: 'ok' });
      await waitText(chat, '.note', 'the menu changed');
      const reply = (text: string) => waitText(chat, '.msg.in', text);

      await chat.click('.menu-button:has-text("扫码")');
      await chat.click('.form-send');
      await reply('扫码结果：https://example.com/qr/1');
      await chat.click('.menu-button:has-text("更多")');
      await chat.click('.sub-menu button:has-text("拍照")');
      await chat.click('.form-send');
      await reply('收到 1 张照片');
      await chat.click('.menu-button:has-text("更多")');
      await chat.click('.sub-menu button:has-text("选位置")');
      await chat.click('.form-send');
      await reply('你选择了 天河城');
      await chat.click('.menu-button:has-text("今日歌曲")');
      await waitText(chat, '.bubble.music', '今日歌曲');

      await chat.click('.to-keyboard');
      const tool = async (name: string) => {
        await chat.click('.more-button');
        await chat.click(`.tool[data-tool=${name}]`);
      };
      await tool('image');
      await chat.click('.form-send');
      await waitText(chat, '.msg.in .media-card', 'playground_image_');
      await tool('voice');
      await chat.click('.form-send');
      await reply('你说的是：你好');
      await tool('video');
      await waitText(chat, '.msg.in .bubble.video', '收到视频');
      await tool('shortvideo');
      await reply('收到小视频');
      await tool('link');
      await chat.click('.form-send');
      await waitText(chat, '.msg.in .news.single', 'WeChat bots in TypeScript');
      await tool('scan');
      await chat.click('.form-send');
      await reply('欢迎关注！你扫的是场景 123');
      expect(await chat.textContent('.follow')).toContain('取消关注');
      await tool('scan');
      await chat.click('.form-send');
      await reply('你扫了场景 123');
      await chat.click('.follow');
      await waitText(chat, '.note.event', 'unfollowed');
      await chat.click('.follow');
      await reply('欢迎关注！发');

      for (const text of ['链接', '客服', '音乐']) {
        await chat.fill('.text-input', text);
        await chat.press('.text-input', 'Enter');
      }
      const link = await chat.waitForSelector(
        '.msg.in .bubble.text a[href="https://example.com/docs"]',
      );
      expect(await link.textContent()).toBe('文档');
      await waitText(chat, '.note.transfer', '已转接人工客服');
      await waitText(chat, '.bubble.music', '微信你不懂爱');

      // A WeChat retry of the first text: same MsgId, the same reply, the handler not run again.
      await chat.fill('.text-input', '重发我');
      await chat.press('.text-input', 'Enter');
      const first = (await reply('你说：重发我')).trim();
      await chat.click('.msg.in:has-text("重发我")');
      await chat.click('.inspector .replay');
      await waitText(chat, '.note.replay', '同一 MsgId');
      await chat.waitForFunction(
        (text) =>
          [...document.querySelectorAll('.msg.in')].filter((m) => m.textContent?.includes(text))
            .length === 2,
        first,
      );
      expect(await chat.textContent('.inspector .ex-head')).toContain('retry of');
    } finally {
      await chat.close();
    }
  }, 30_000);

  it('had no error on the pages', () => {
    expect(errors).toEqual([]);
  });
});
