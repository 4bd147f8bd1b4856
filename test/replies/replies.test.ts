import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { coerceReply, isReply } from '../../src/core/replies/coerce.js';
import { renderReply } from '../../src/core/replies/render.js';
import {
  Article,
  ArticlesReply,
  ImageReply,
  MAX_ARTICLES,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from '../../src/core/replies/replies.js';
import { cdata } from '../../src/core/replies/xml.js';

const message = { source: 'user_openid', target: 'gh_account' };
const TIME = 1700000000;

const reader = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (_name, jpath) => jpath === 'xml.Articles.item',
});

type Tree = Record<string, unknown>;

/** Renders, checks the XML is well-formed, and reads it back with fast-xml-parser. */
function roundTrip(reply: Parameters<typeof renderReply>[0]): Tree {
  const xml = renderReply(reply);
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = reader.parse(xml) as { xml: Tree };
  return doc.xml;
}

const head = (msgType: string) => ({
  ToUserName: 'user_openid',
  FromUserName: 'gh_account',
  CreateTime: String(TIME),
  MsgType: msgType,
});

describe('every reply kind renders to the XML of PROTOCOL.md §4', () => {
  it('TextReply', () => {
    expect(roundTrip(new TextReply({ message, content: 'Hello!', time: TIME }))).toEqual({
      ...head('text'),
      Content: 'Hello!',
    });
  });

  it('ImageReply', () => {
    expect(roundTrip(new ImageReply({ message, mediaId: 'MEDIA', time: TIME }))).toEqual({
      ...head('image'),
      Image: { MediaId: 'MEDIA' },
    });
  });

  it('VoiceReply', () => {
    expect(roundTrip(new VoiceReply({ message, mediaId: 'VOICE', time: TIME }))).toEqual({
      ...head('voice'),
      Voice: { MediaId: 'VOICE' },
    });
  });

  it('VideoReply, full and with the optional elements left out', () => {
    expect(
      roundTrip(
        new VideoReply({
          message,
          mediaId: 'V',
          title: '标题',
          description: '描述',
          time: TIME,
        }),
      ),
    ).toEqual({ ...head('video'), Video: { MediaId: 'V', Title: '标题', Description: '描述' } });
    const bare = renderReply(new VideoReply({ message, mediaId: 'V', title: '', time: TIME }));
    expect(bare).not.toContain('<Title>');
    expect(bare).not.toContain('<Description>');
    expect(roundTrip(new VideoReply({ message, mediaId: 'V', time: TIME }))).toEqual({
      ...head('video'),
      Video: { MediaId: 'V' },
    });
  });

  it('ArticlesReply with Articles; empty optional elements left out', () => {
    const reply = new ArticlesReply({ message, time: TIME });
    reply.addArticle(
      new Article({
        title: 'ZgRoBot',
        description: 'ZgRoBot 是一个微信机器人框架',
        img: 'https://github.com/apple-touch-icon-144.png',
        url: 'https://github.com/whtsky/ZgRoBot',
      }),
    );
    reply.addArticle(new Article({ title: 'only a title' }));
    expect(roundTrip(reply)).toEqual({
      ...head('news'),
      ArticleCount: '2',
      Articles: {
        item: [
          {
            Title: 'ZgRoBot',
            Description: 'ZgRoBot 是一个微信机器人框架',
            PicUrl: 'https://github.com/apple-touch-icon-144.png',
            Url: 'https://github.com/whtsky/ZgRoBot',
          },
          { Title: 'only a title' },
        ],
      },
    });
  });

  it('MusicReply: HQMusicUrl defaults to MusicUrl; no empty Description/ThumbMediaId', () => {
    expect(
      roundTrip(
        new MusicReply({
          message,
          title: '微信你不懂爱',
          description: '龚琳娜最新力作',
          url: 'http://weixin.com/budongai.mp3',
          time: TIME,
        }),
      ),
    ).toEqual({
      ...head('music'),
      Music: {
        Title: '微信你不懂爱',
        Description: '龚琳娜最新力作',
        MusicUrl: 'http://weixin.com/budongai.mp3',
        HQMusicUrl: 'http://weixin.com/budongai.mp3',
      },
    });
    expect(
      roundTrip(
        new MusicReply({
          message,
          title: 't',
          url: 'u',
          hqUrl: 'hq',
          thumbMediaId: 'thumb',
          time: TIME,
        }),
      ),
    ).toEqual({
      ...head('music'),
      Music: { Title: 't', MusicUrl: 'u', HQMusicUrl: 'hq', ThumbMediaId: 'thumb' },
    });
  });

  it('TransferCustomerServiceReply, to any account and to one', () => {
    expect(roundTrip(new TransferCustomerServiceReply({ message, time: TIME }))).toEqual(
      head('transfer_customer_service'),
    );
    expect(
      roundTrip(new TransferCustomerServiceReply({ message, account: 'kf2001@gh', time: TIME })),
    ).toEqual({ ...head('transfer_customer_service'), TransInfo: { KfAccount: 'kf2001@gh' } });
  });

  it('SuccessReply is the bare text success', () => {
    expect(renderReply(new SuccessReply())).toBe('success');
  });
});

describe('addressing and time', () => {
  it('source and target are swapped from the message', () => {
    const reply = new TextReply({ message, content: 'x' });
    expect(reply.target).toBe('user_openid');
    expect(reply.source).toBe('gh_account');
  });

  it('explicit source/target win over the message', () => {
    const reply = new TextReply({ message, content: 'x', source: 's', target: 't' });
    expect([reply.source, reply.target]).toEqual(['s', 't']);
  });

  it('time defaults to now, in whole seconds', () => {
    const before = Math.floor(Date.now() / 1000);
    const reply = new TextReply({ message, content: 'x' });
    const after = Math.floor(Date.now() / 1000);
    expect(Number.isInteger(reply.time)).toBe(true);
    expect(reply.time).toBeGreaterThanOrEqual(before);
    expect(reply.time).toBeLessThanOrEqual(after);
    expect(new TextReply({ message, content: 'x', time: 5 }).time).toBe(5);
  });

  it('a fractional time renders as an integer', () => {
    expect(renderReply(new TextReply({ message, content: 'x', time: 12.9 }))).toContain(
      '<CreateTime>12</CreateTime>',
    );
  });
});

describe('ArticlesReply limit', () => {
  it(`addArticle accepts ${MAX_ARTICLES} and refuses one more`, () => {
    const reply = new ArticlesReply({ message });
    for (let i = 0; i < MAX_ARTICLES; i++) reply.addArticle(new Article({ title: `a${i}` }));
    expect(() => reply.addArticle(new Article({ title: 'too many' }))).toThrow(RangeError);
    expect(reply.articles).toHaveLength(MAX_ARTICLES);
  });

  it('the constructor applies the same limit', () => {
    const articles = Array.from(
      { length: MAX_ARTICLES + 1 },
      (_, i) => new Article({ title: `${i}` }),
    );
    expect(() => new ArticlesReply({ message, articles })).toThrow(RangeError);
  });
});

describe('coercions (the seed)', () => {
  it('a string → TextReply addressed to the sender', () => {
    const reply = coerceReply('Hello World!', message);
    expect(reply).toBeInstanceOf(TextReply);
    expect(reply).toMatchObject({ content: 'Hello World!', target: 'user_openid' });
  });

  it('a list of 4-item lists → ArticlesReply', () => {
    const reply = coerceReply(
      [
        ['title', 'description', 'img', 'url'],
        [
          'whtsky',
          'I wrote ZgRoBot',
          'https://secure.gravatar.com/avatar/0?s=420',
          'http://whouz.com/',
        ],
      ],
      message,
    );
    expect(reply).toBeInstanceOf(ArticlesReply);
    const news = reply as ArticlesReply;
    expect(news.articles).toHaveLength(2);
    expect(news.articles[1]).toMatchObject({
      title: 'whtsky',
      description: 'I wrote ZgRoBot',
      img: 'https://secure.gravatar.com/avatar/0?s=420',
      url: 'http://whouz.com/',
    });
    expect(roundTrip(news)).toMatchObject({ MsgType: 'news', ArticleCount: '2' });
  });

  it('a list of Article objects → ArticlesReply holding those articles', () => {
    const first = new Article({
      title: 'ZgRoBot',
      description: '微信机器人框架',
      img: 'i',
      url: 'u',
    });
    const second = new Article({ title: 'second' });
    const reply = coerceReply([first, second], message);
    expect(reply).toBeInstanceOf(ArticlesReply);
    expect((reply as ArticlesReply).articles).toEqual([first, second]);
    expect((reply as ArticlesReply).articles[0]).toBe(first);
    expect(reply).toMatchObject({ source: 'gh_account', target: 'user_openid' });
    expect(roundTrip(reply as ArticlesReply)).toMatchObject({
      MsgType: 'news',
      ArticleCount: '2',
      Articles: { item: [{ Title: 'ZgRoBot', Url: 'u' }, { Title: 'second' }] },
    });
  });

  it('Articles, Article-shaped objects and 4-string lists mixed → one ArticlesReply, in order', () => {
    const reply = coerceReply(
      [
        new Article({ title: 'obj' }),
        { title: 'shaped', description: 'd', img: 'i', url: 'u' },
        ['list', 'd', 'i', 'u'],
      ],
      message,
    );
    const articles = (reply as ArticlesReply).articles;
    expect(articles.map((a) => a.title)).toEqual(['obj', 'shaped', 'list']);
    expect(articles.every((a) => a instanceof Article)).toBe(true);
  });

  it(`${MAX_ARTICLES} Articles are a reply; one more → RangeError, as addArticle`, () => {
    const articles = (n: number) =>
      Array.from({ length: n }, (_, i) => new Article({ title: `a${i}` }));
    expect((coerceReply(articles(MAX_ARTICLES), message) as ArticlesReply).articles).toHaveLength(
      MAX_ARTICLES,
    );
    expect(() => coerceReply(articles(MAX_ARTICLES + 1), message)).toThrow(RangeError);
  });

  it('a 4-item list → MusicReply with its HQ URL', () => {
    const reply = coerceReply(['title', 'description', 'music_url', 'hq_music_url'], message);
    expect(reply).toBeInstanceOf(MusicReply);
    expect(reply).toMatchObject({ url: 'music_url', hqUrl: 'hq_music_url' });
  });

  it('a 3-item list → MusicReply, HQ URL defaulting to the URL', () => {
    const reply = coerceReply(
      ['微信你不懂爱', '龚琳娜最新力作', 'http://weixin.com/budongai.mp3'],
      message,
    );
    expect(reply).toBeInstanceOf(MusicReply);
    expect(reply).toMatchObject({
      title: '微信你不懂爱',
      description: '龚琳娜最新力作',
      url: 'http://weixin.com/budongai.mp3',
      hqUrl: 'http://weixin.com/budongai.mp3',
    });
  });

  it('a Reply built without a message is addressed from the message', () => {
    const reply = coerceReply(new ImageReply({ mediaId: 'm' }), message);
    expect(reply).toMatchObject({ source: 'gh_account', target: 'user_openid' });
  });

  it('a Reply already addressed is left as it is', () => {
    const reply = coerceReply(new TextReply({ content: 'x', source: 'a', target: 'b' }), message);
    expect(reply).toMatchObject({ source: 'a', target: 'b' });
  });

  it('a SuccessReply stays a SuccessReply', () => {
    expect(coerceReply(new SuccessReply(), message)).toBeInstanceOf(SuccessReply);
  });

  it.each([[undefined], [null], [''], [[]], [false]])('%j is no reply', (value) => {
    expect(isReply(value)).toBe(false);
    expect(coerceReply(value, message)).toBeUndefined();
  });

  it.each([
    [42],
    [{ content: 'x' }],
    [['a', 'b']],
    [['a', 'b', 'c', 'd', 'e']],
    [[['a', 'b', 'c']]],
    // Found by the fuzzer: a number or null in an article used to pass and crash the render.
    [[['t', 42, 'i', 'u']]],
    [[[null, 'd', 'i', 'u']]],
    [[new Article({ title: 't' }), 42]],
    [[{ title: 'an object without the other three fields' }]],
    [[{ title: 't', description: 'd', img: 'i', url: 42 }]],
    [[new Article({ title: 42 as never })]],
  ])('%j is not a reply → TypeError', (value) => {
    expect(() => coerceReply(value, message)).toThrow(TypeError);
  });
});

describe('CDATA safety', () => {
  const text = (content: string) =>
    roundTrip(new TextReply({ message, content, time: TIME })).Content;

  it.each([
    ['a plain ]]> inside', 'before ]]> after'],
    [']]> at both ends', ']]>x]]>'],
    ['a run of brackets', ']]]]>>]]]>'],
    ['a CDATA opener', '<![CDATA[ fake ]]>'],
    ['markup', '<xml><b>&amp;</b></xml>'],
    ['emoji', '😀 👍🏽 👨‍👩‍👧‍👦'],
    ['CJK', '你好，世界！こんにちは 안녕하세요'],
    ['tab and newline', 'a\tb\nc'],
    ['an empty string', ''],
    ['U+FFFD and U+E000', '\uFFFD\uE000'],
    ['astral plane', '\u{10000}\u{10FFFF}'],
  ])('%s round-trips exactly', (_name, value) => {
    expect(text(value)).toBe(value);
  });

  it.each([
    ['NUL', 'a\u0000b', 'ab'],
    ['backspace', 'a\u0008b', 'ab'],
    ['U+FFFE and U+FFFF', 'a\uFFFEb\uFFFF', 'ab'],
    ['a lone high surrogate', 'a\uD83Db', 'ab'],
    ['a lone low surrogate', 'a\uDE00b', 'ab'],
    ['reversed surrogates', 'a\uDE00\uD83Db', 'ab'],
    [
      'every C0 control but tab/newline/CR',
      `x${String.fromCharCode(...range(0, 32).filter((c) => c !== 9 && c !== 10 && c !== 13))}y`,
      'xy',
    ],
    [']]> next to a control', ']]\u0000>', ']]>'],
  ])('%s is cleaned and the XML stays well-formed', (_name, value, cleaned) => {
    expect(text(value)).toBe(cleaned);
  });

  it('every field of every reply kind is CDATA-safe', () => {
    const nasty = ']]>\u0000<&>\uD800😀';
    const clean = ']]><&>😀';
    const replies = [
      new TextReply({ message, content: nasty }),
      new ImageReply({ message, mediaId: nasty }),
      new VoiceReply({ message, mediaId: nasty }),
      new VideoReply({ message, mediaId: nasty, title: nasty, description: nasty }),
      new ArticlesReply({
        message,
        articles: [new Article({ title: nasty, description: nasty, img: nasty, url: nasty })],
      }),
      new MusicReply({ message, title: nasty, description: nasty, url: nasty, hqUrl: nasty }),
      new TransferCustomerServiceReply({ message, account: nasty }),
      new TextReply({ source: nasty, target: nasty, content: 'x' }),
    ];
    for (const reply of replies) {
      const xml = renderReply(reply);
      expect(XMLValidator.validate(xml), xml).toBe(true);
      const values = leaves(reader.parse(xml));
      expect(values.filter((v) => v.includes('😀')).every((v) => v === clean)).toBe(true);
    }
  });

  it('random strings always give well-formed XML, and valid ones round-trip', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const pool = [
      ']]>',
      ']',
      '>',
      '<',
      '&',
      '\u0000',
      '\uD800',
      '\uDC00',
      '😀',
      '中',
      'a',
      '\n',
      '\uFFFE',
    ];
    for (let i = 0; i < 500; i++) {
      const value = Array.from({ length: next() % 12 }, () => pool[next() % pool.length]).join('');
      const xml = renderReply(new TextReply({ message, content: value, time: TIME }));
      expect(XMLValidator.validate(xml), JSON.stringify(value)).toBe(true);
      // Code point by code point: a lone surrogate is one code point, and is dropped.
      const expected = [...value]
        .filter((c) => {
          const code = c.codePointAt(0) ?? 0;
          return c !== '\u0000' && c !== '\uFFFE' && !(code >= 0xd800 && code <= 0xdfff);
        })
        .join('');
      expect((reader.parse(xml) as { xml: Tree }).xml.Content).toBe(expected);
    }
  });

  it('cdata() splits ]]> across sections', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
  });

  // A value with nothing to change skips the replaces; every other takes them, as before.
  it('cdata() of any string is the cleaned string in one section (fast path or not)', () => {
    const slow = (value: string) =>
      `<![CDATA[${value
        .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
        .replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          fc.string({ unit: 'binary' }),
          fc.constantFrom(
            '',
            '你好',
            'a]]>b',
            ']]>',
            '😀',
            '\uD800x',
            'x\uDC00',
            '\u0000',
            '\uFFFE',
          ),
        ),
        (value) => {
          expect(cdata(value)).toBe(slow(value));
        },
      ),
      { seed: 20_260_901, numRuns: 2000 },
    );
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(leaves);
  return [];
}
