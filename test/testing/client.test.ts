import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { MessageCrypt } from '../../middleware/index.js';
import type { FieldSpec } from '../../src/core/messages/fields.js';
import { MESSAGE_KINDS, MESSAGE_TYPES } from '../../src/core/messages/index.js';
import {
  Article,
  ArticlesReply,
  ImageReply,
  type MessageType,
  MusicReply,
  SignatureError,
  SuccessReply,
  silentLogger,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
  ZgRoBot,
} from '../../src/index.js';
import {
  buildMessageXml,
  createTestClient,
  InvalidReplyError,
  openReply,
  parseReply,
  UnexpectedStatusError,
} from '../../src/testing/index.js';
import { AES_KEY, APP_ID, TOKEN } from '../support/wechat.js';

function newRobot(): ZgRoBot {
  return new ZgRoBot({
    token: TOKEN,
    appId: APP_ID,
    encodingAESKey: AES_KEY,
    // The tests send plaintext and encrypted messages to one robot: WeChat's 兼容模式.
    encryptMode: 'compatible',
    sessionStorage: false,
    logger: silentLogger,
  });
}

/** A sample value for each field kind, so every row of the table can be filled in. */
function sample(name: string, spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'string':
      return `v_${name}]]>`;
    case 'int':
      return 7;
    case 'float':
      return 23.134521;
    case 'picList':
      return [{ picMd5Sum: 'aaa' }, { picMd5Sum: 'bbb' }];
    case 'list': {
      // One item and two: a lone element must still come back as an array.
      const item = spec.item ?? 'string';
      const one = (n: number) =>
        typeof item === 'string'
          ? sample(`${name}${n}`, { xml: '', kind: item })
          : Object.fromEntries(
              Object.entries(item).map(([field, s]) => [field, sample(`${field}${n}`, s)]),
            );
      return name.length % 2 === 0 ? [one(1)] : [one(1), one(2)];
    }
  }
}

function sampleFields(type: MessageType): Record<string, unknown> {
  const row: { fields: Record<string, FieldSpec> } = MESSAGE_KINDS[type];
  return Object.fromEntries(Object.entries(row.fields).map(([n, spec]) => [n, sample(n, spec)]));
}

describe('createTestClient: every kind of the table, through the whole pipeline', () => {
  // The robot answers with what it parsed, so the test sees builder and parser agree.
  const robot = newRobot();
  robot.handler((ctx) => {
    const { raw: _raw, fields: _fields, ...message } = ctx.wechat.message;
    return JSON.stringify(message);
  });

  for (const encrypted of [false, true]) {
    const t = createTestClient(robot, {
      token: TOKEN,
      openid: 'o_user_1',
      account: 'gh_acct',
      ...(encrypted ? { appId: APP_ID, encodingAESKey: AES_KEY } : {}),
    });
    for (const type of MESSAGE_TYPES) {
      it(`${encrypted ? 'encrypted' : 'plaintext'} ${type}: t.send() and t.${MESSAGE_KINDS[type].method}()`, async () => {
        const fields = sampleFields(type);
        const reply = await t.send(type, fields);
        expect(reply.type).toBe('text');
        if (reply.type !== 'text') return;
        const parsed = JSON.parse(reply.content) as Record<string, unknown>;
        expect(parsed).toMatchObject({ type, source: 'o_user_1', target: 'gh_acct', ...fields });
        expect(reply).toMatchObject({ source: 'gh_acct', target: 'o_user_1' });
        // The generated helper of the same row exists and reaches the same handler.
        expect(typeof (t as unknown as Record<string, unknown>)[MESSAGE_KINDS[type].method]).toBe(
          'function',
        );
      });
    }
  }

  it('positional helpers fill in their main value', async () => {
    const t = createTestClient(robot, { token: TOKEN });
    const content = async (p: Promise<unknown>) => {
      const reply = (await p) as { content: string };
      return JSON.parse(reply.content) as Record<string, unknown>;
    };
    expect(await content(t.text('hi'))).toMatchObject({ type: 'text', content: 'hi' });
    expect(await content(t.image('http://img'))).toMatchObject({
      type: 'image',
      img: 'http://img',
    });
    expect(await content(t.link('http://l'))).toMatchObject({ type: 'link', url: 'http://l' });
    expect(await content(t.location(23.1, 113.2))).toMatchObject({
      type: 'location',
      locationX: 23.1,
      locationY: 113.2,
    });
    expect(await content(t.voice('m1'))).toMatchObject({ type: 'voice', mediaId: 'm1' });
    expect(await content(t.video('m2'))).toMatchObject({ type: 'video', mediaId: 'm2' });
    expect(await content(t.shortvideo('m3'))).toMatchObject({ type: 'shortvideo', mediaId: 'm3' });
    expect(await content(t.unknown('miniprogrampage'))).toMatchObject({ type: 'unknown' });
    expect(await content(t.click('music'))).toMatchObject({ type: 'click_event', key: 'music' });
    expect(await content(t.view('http://v'))).toMatchObject({
      type: 'view_event',
      key: 'http://v',
    });
    expect(await content(t.scan('qrscene'))).toMatchObject({ type: 'scan_event', key: 'qrscene' });
    expect(await content(t.locationEvent(1.5, 2.5))).toMatchObject({
      type: 'location_event',
      latitude: 1.5,
      longitude: 2.5,
    });
    expect(await content(t.event('subscribe', { key: 'qrscene_1' }))).toMatchObject({
      type: 'subscribe_event',
      key: 'qrscene_1',
    });
    expect(await content(t.subscribe())).toMatchObject({ type: 'subscribe_event' });
    expect(
      await content(t.event('location_select', { locationX: 1, label: 'L', poiName: 'P' })),
    ).toMatchObject({ type: 'location_select_event', poiName: 'P' });
  });

  it('writes events as WeChat does (CLICK, VIEW, LOCATION in capitals)', () => {
    expect(buildMessageXml('click_event', { key: 'k' })).toContain(
      '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>',
    );
    expect(buildMessageXml('subscribe_event', {})).toContain(
      '<Event><![CDATA[subscribe]]></Event>',
    );
    expect(
      buildMessageXml('pic_weixin_event', { count: 1, picList: [{ picMd5Sum: 'x' }] }),
    ).toContain(
      '<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[x]]></PicMd5Sum></item></PicList></SendPicsInfo>',
    );
    const text = buildMessageXml('text', { content: 'a' });
    expect(text).toMatch(/<MsgId>\d{16,}<\/MsgId><\/xml>$/);
    expect(buildMessageXml('text', { content: 'a' })).not.toBe(text.replace(/a/, 'a'));
  });

  it('gives each message a fresh MsgId and each event a later CreateTime, so none looks like a retry', async () => {
    const seen: string[] = [];
    const r = newRobot();
    r.handler((ctx) => {
      seen.push(`${ctx.wechat.message.messageId}@${ctx.wechat.message.time}`);
      return 'ok';
    });
    const t = createTestClient(r, { token: TOKEN });
    for (let i = 0; i < 3; i++) {
      expect(await t.text('same')).toMatchObject({ content: 'ok' });
      expect(await t.click('same')).toMatchObject({ content: 'ok' });
    }
    expect(new Set(seen).size).toBe(6);
  });
  it('simulates a WeChat retry when given the same messageId (or event time): the handler runs once', async () => {
    let runs = 0;
    const r = newRobot();
    r.text(() => `reply ${++runs}`);
    r.click(() => `click ${++runs}`);
    const t = createTestClient(r, { token: TOKEN });
    const first = await t.text('a', { messageId: '4242' });
    expect(await t.text('a', { messageId: '4242' })).toEqual(first);
    const click = await t.click('k', { time: 1_700_000_000 });
    expect(await t.click('k', { time: 1_700_000_000 })).toEqual(click);
    expect(runs).toBe(2);
  });
});

describe('createTestClient: replies', () => {
  const robot = newRobot();
  robot.filter('image', (ctx) => new ImageReply({ message: ctx.wechat.message, mediaId: 'img1' }));
  robot.filter('voice', (ctx) => new VoiceReply({ message: ctx.wechat.message, mediaId: 'v1' }));
  robot.filter(
    'video',
    (ctx) => new VideoReply({ message: ctx.wechat.message, mediaId: 'vd', title: 'T' }),
  );
  robot.filter(
    'music',
    (ctx) =>
      new MusicReply({
        message: ctx.wechat.message,
        title: 'M',
        url: 'http://m',
        description: 'd',
      }),
  );
  robot.filter(
    'news',
    (ctx) =>
      new ArticlesReply({
        message: ctx.wechat.message,
        articles: [
          new Article({ title: 'a1', description: 'd1', img: 'http://i', url: 'http://u' }),
          new Article({ title: 'a2' }),
        ],
      }),
  );
  robot.filter(
    'kf',
    (ctx) => new TransferCustomerServiceReply({ message: ctx.wechat.message, account: 'kf1@gh' }),
  );
  robot.filter('nothing', () => new SuccessReply());

  for (const encrypted of [false, true]) {
    const t = createTestClient(robot, {
      token: TOKEN,
      ...(encrypted ? { appId: APP_ID, encodingAESKey: AES_KEY } : {}),
    });
    it(`parses every reply kind (${encrypted ? 'encrypted' : 'plaintext'})`, async () => {
      expect(await t.text('image')).toMatchObject({ type: 'image', mediaId: 'img1' });
      expect(await t.text('voice')).toMatchObject({ type: 'voice', mediaId: 'v1' });
      expect(await t.text('video')).toMatchObject({ type: 'video', mediaId: 'vd', title: 'T' });
      expect(await t.text('music')).toMatchObject({
        type: 'music',
        title: 'M',
        description: 'd',
        url: 'http://m',
        hqUrl: 'http://m',
      });
      expect(await t.text('news')).toMatchObject({
        type: 'news',
        articles: [
          { title: 'a1', description: 'd1', img: 'http://i', url: 'http://u' },
          { title: 'a2', description: '', img: '', url: '' },
        ],
      });
      expect(await t.text('kf')).toMatchObject({
        type: 'transfer_customer_service',
        account: 'kf1@gh',
      });
      expect(await t.text('nothing')).toEqual({ type: 'success', raw: 'success' });
      expect(await t.text('no handler matches')).toMatchObject({ type: 'success' });
    });
  }

  it('accepts a Koa app, and checks the echostr handshake', async () => {
    const app = new Koa().use(robot.middleware());
    const t = createTestClient(app, { token: TOKEN });
    expect(await t.verify('abc')).toBe('abc');
    expect(await t.text('image')).toMatchObject({ type: 'image' });
  });

  it('sends compatible mode (plaintext beside <Encrypt>) and gets an encrypted reply', async () => {
    const t = createTestClient(robot, {
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      mode: 'compatible',
    });
    const request = t.build(buildMessageXml('text', { content: 'voice' }));
    expect(request.body).toContain('<Content><![CDATA[voice]]></Content>');
    expect(request.body).toContain('<Encrypt>');
    expect(await t.text('voice')).toMatchObject({ type: 'voice' });
  });

  it('throws UnexpectedStatusError for a wrong token, with the status', async () => {
    const t = createTestClient(robot, { token: 'wrong' });
    await expect(t.text('x')).rejects.toMatchObject({ name: 'UnexpectedStatusError', status: 403 });
    await expect(t.verify('x')).rejects.toBeInstanceOf(UnexpectedStatusError);
  });

  it('throws when the bot is encrypted with another AppID or a reply is not signed right', async () => {
    const crypt = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID });
    const envelope = crypt.encryptReply('<xml><MsgType>text</MsgType><Content>x</Content></xml>');
    expect(openReply(envelope, { crypt }).reply).toMatchObject({ content: 'x' });
    const otherToken = new MessageCrypt({ token: 'other', encodingAESKey: AES_KEY, appId: APP_ID });
    expect(() => openReply(envelope, { crypt: otherToken })).toThrow(SignatureError);
    const other = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: 'wxother' });
    expect(() => openReply(envelope, { crypt: other })).toThrow(/AppID/);
    expect(() => openReply('<xml><MsgType>text</MsgType></xml>', { crypt })).toThrow(/came plain/);
  });

  it('rejects answers that are not reply XML', () => {
    expect(() => parseReply('<html><body>oops')).toThrow(InvalidReplyError);
    expect(() => parseReply('<xml><MsgType>weird</MsgType></xml>')).toThrow(/unknown MsgType/);
    expect(() => parseReply('<xml><Content>x</Content></xml>')).toThrow(/no <MsgType>/);
    expect(parseReply('')).toEqual({ type: 'success', raw: '' });
  });
});
