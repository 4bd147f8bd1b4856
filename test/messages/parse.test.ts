import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/core/errors.js';
import type { FieldSpec } from '../../src/core/messages/fields.js';
import { MESSAGE_KINDS, MESSAGE_TYPES, type MessageType } from '../../src/core/messages/kinds.js';
import { parseMessage } from '../../src/core/messages/parse.js';
import type { AnyMessage } from '../../src/core/messages/types.js';

const HEAD = (msgType: string) =>
  '<ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>' +
  '<FromUserName><![CDATA[oFw6Ms-user-openid]]></FromUserName>' +
  `<CreateTime>1348831860</CreateTime><MsgType><![CDATA[${msgType}]]></MsgType>`;

const event = (name: string, body = '') =>
  `<xml>${HEAD('event')}<Event><![CDATA[${name}]]></Event>${body}</xml>`;

const common = {
  source: 'oFw6Ms-user-openid',
  target: 'gh_0123456789ab',
  time: 1348831860,
};

/** Own keys of the message other than the always-present ones. */
function fieldKeys(message: AnyMessage): string[] {
  const base = new Set(['type', 'messageId', 'source', 'target', 'time', 'raw', 'fields']);
  return Object.keys(message)
    .filter((k) => !base.has(k))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Generic: every row of the table, built from its own field specs.
// ---------------------------------------------------------------------------------------------

type Row = {
  msgType?: string | null;
  event?: string | null;
  fields: Readonly<Record<string, FieldSpec>>;
};

function sampleFor(spec: FieldSpec, name: string): { xml: string; value: unknown } {
  switch (spec.kind) {
    case 'string':
      return { xml: `<![CDATA[v-${name}]]>`, value: `v-${name}` };
    case 'float':
      return { xml: '23.134521', value: 23.134521 };
    case 'int':
      return { xml: '42', value: 42 };
    case 'picList':
      return {
        xml: '<item><PicMd5Sum><![CDATA[md5-a]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[md5-b]]></PicMd5Sum></item>',
        value: [{ picMd5Sum: 'md5-a' }, { picMd5Sum: 'md5-b' }],
      };
    case 'list': {
      // Two occurrences of the repeated element, each with every field of an item.
      const element = spec.xml.split('.').at(-1);
      const item = spec.item ?? 'string';
      const one = (n: number) => {
        if (typeof item === 'string') {
          const leaf = sampleFor({ xml: '', kind: item }, `${name}${n}`);
          return { xml: `<${element}>${leaf.xml}</${element}>`, value: leaf.value };
        }
        const fields = Object.entries(item).map(([field, s]) => {
          const leaf = sampleFor(s, `${field}${n}`);
          return { field, xml: `<${s.xml}>${leaf.xml}</${s.xml}>`, value: leaf.value };
        });
        return {
          xml: `<${element}>${fields.map((f) => f.xml).join('')}</${element}>`,
          value: Object.fromEntries(fields.map((f) => [f.field, f.value])),
        };
      };
      const items = [one(1), one(2)];
      return { xml: items.map((i) => i.xml).join(''), value: items.map((i) => i.value) };
    }
  }
}

/** Where a field's sample goes: a list's elements go straight into the parent of its path. */
function samplePath(spec: FieldSpec): string {
  if (spec.kind !== 'list') return spec.xml;
  return [...spec.xml.split('.').slice(0, -1), RAW].join('.');
}

/** The last step of a path that `nest` writes as it is, without an element around it. */
const RAW = '\u0000';

/** Nests dotted paths: { 'A.B': x, 'A.C': y } → <A><B>x</B><C>y</C></A>. */
function nest(entries: [string, string][]): string {
  const groups = new Map<string, [string, string][]>();
  let out = '';
  for (const [path, xml] of entries) {
    const [head, ...rest] = path.split('.');
    if (head === undefined) continue;
    if (rest.length === 0) out += head === RAW ? xml : `<${head}>${xml}</${head}>`;
    else {
      const list = groups.get(head) ?? [];
      list.push([rest.join('.'), xml]);
      groups.set(head, list);
    }
  }
  for (const [head, list] of groups) out += `<${head}>${nest(list)}</${head}>`;
  return out;
}

function xmlForRow(type: MessageType, row: Row, withOptional: boolean): string {
  const entries: [string, string][] = [];
  for (const [name, spec] of Object.entries(row.fields)) {
    if (spec.optional && !withOptional) continue;
    entries.push([samplePath(spec), sampleFor(spec, name).xml]);
  }
  const body = nest(entries);
  if (type === 'unknown') return `<xml>${HEAD('some_new_type')}<Foo><![CDATA[bar]]></Foo></xml>`;
  if (type === 'unknown_event') return event('some_new_event', '<Foo><![CDATA[bar]]></Foo>');
  if (row.msgType) return `<xml>${HEAD(row.msgType)}${body}<MsgId>1234567890123456</MsgId></xml>`;
  return event(row.event ?? '', body);
}

describe('parseMessage: every kind of the table', () => {
  for (const type of MESSAGE_TYPES) {
    const row = MESSAGE_KINDS[type] as Row;
    it(`${type}: every field, with its JS type`, () => {
      const message = parseMessage(xmlForRow(type, row, true));
      expect(message.type).toBe(type);
      expect(message.source).toBe(common.source);
      expect(message.target).toBe(common.target);
      expect(message.time).toBe(common.time);
      expect(typeof message.raw).toBe('string');
      const record = message as unknown as Record<string, unknown>;
      for (const [name, spec] of Object.entries(row.fields)) {
        const expected = sampleFor(spec, name).value;
        expect(record[name], `${type}.${name}`).toEqual(expected);
        if (spec.kind === 'string') expect(typeof record[name]).toBe('string');
        if (spec.kind === 'int') expect(Number.isInteger(record[name])).toBe(true);
        if (spec.kind === 'float') expect(typeof record[name]).toBe('number');
      }
      expect(fieldKeys(message)).toEqual(Object.keys(row.fields).sort());
    });

    const optional = Object.entries(row.fields).filter(([, spec]) => spec.optional);
    if (optional.length > 0) {
      it(`${type}: optional fields absent → undefined`, () => {
        const message = parseMessage(xmlForRow(type, row, false)) as unknown as Record<
          string,
          unknown
        >;
        for (const [name] of optional) {
          expect(message[name], `${type}.${name}`).toBeUndefined();
          expect(Object.hasOwn(message, name)).toBe(false);
        }
      });
    }
  }

  it('the table has a unique router method per row', () => {
    const methods = MESSAGE_TYPES.map((t) => MESSAGE_KINDS[t].method);
    expect(new Set(methods).size).toBe(methods.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Explicit, realistic WeChat XML for each kind.
// ---------------------------------------------------------------------------------------------

describe('parseMessage: messages', () => {
  it('text', () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n' +
      '<FromUserName><![CDATA[oFw6Ms-user-openid]]></FromUserName>\n' +
      '<CreateTime>1348831860</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n' +
      '<Content><![CDATA[this is a test]]></Content>\n<MsgId>1234567890123456</MsgId>\n</xml>';
    const message = parseMessage(xml);
    expect(message).toMatchObject({
      type: 'text',
      ...common,
      content: 'this is a test',
      messageId: '1234567890123456',
      raw: xml,
    });
    expect(message.fields.Content).toBe('this is a test');
  });

  it('image', () => {
    const message = parseMessage(
      `<xml>${HEAD('image')}<PicUrl><![CDATA[http://mmbiz.qpic.cn/pic.jpg]]></PicUrl><MediaId><![CDATA[media_id_1]]></MediaId><MsgId>1234567890123456</MsgId></xml>`,
    );
    expect(message).toMatchObject({
      type: 'image',
      img: 'http://mmbiz.qpic.cn/pic.jpg',
      mediaId: 'media_id_1',
      messageId: '1234567890123456',
    });
  });

  it('link', () => {
    const message = parseMessage(
      `<xml>${HEAD('link')}<Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[https://mp.weixin.qq.com]]></Url><MsgId>1234567890123456</MsgId></xml>`,
    );
    expect(message).toMatchObject({
      type: 'link',
      title: '公众平台官网链接',
      description: '公众平台官网链接',
      url: 'https://mp.weixin.qq.com',
    });
  });

  it('location: floats and an int', () => {
    const message = parseMessage(
      `<xml>${HEAD('location')}<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId></xml>`,
    );
    if (message.type !== 'location') throw new Error('not a location');
    expect(message.locationX).toBe(23.134521);
    expect(message.locationY).toBe(113.358803);
    expect(message.scale).toBe(20);
    expect(message.label).toBe('位置信息');
  });

  it('voice, with and without Recognition', () => {
    const base = `<xml>${HEAD('voice')}<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>`;
    const plain = parseMessage(`${base}<MsgId>1234567890123456</MsgId></xml>`);
    expect(plain).toMatchObject({ type: 'voice', mediaId: 'media_id', format: 'amr' });
    expect((plain as { recognition?: string }).recognition).toBeUndefined();
    const recognised = parseMessage(
      `${base}<Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId></xml>`,
    );
    expect(recognised).toMatchObject({ recognition: '腾讯微信团队' });
  });

  it('video and shortvideo', () => {
    for (const msgType of ['video', 'shortvideo'] as const) {
      const message = parseMessage(
        `<xml>${HEAD(msgType)}<MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123456</MsgId></xml>`,
      );
      expect(message).toMatchObject({
        type: msgType,
        mediaId: 'media_id',
        thumbMediaId: 'thumb_media_id',
      });
    }
  });

  it('MsgId above 2^53 is kept exact, as a string', () => {
    const id = '9223372036854775807';
    const message = parseMessage(
      `<xml>${HEAD('text')}<Content><![CDATA[x]]></Content><MsgId>${id}</MsgId></xml>`,
    );
    expect(message.messageId).toBe(id);
    expect(typeof message.messageId).toBe('string');
    expect(BigInt(message.messageId)).toBe(9223372036854775807n);
  });

  it('no number coercion: Content 007, a numeric user name, a long numeric content', () => {
    const message = parseMessage(
      '<xml><ToUserName>0123</ToUserName><FromUserName>00042</FromUserName><CreateTime>1348831860</CreateTime>' +
        '<MsgType>text</MsgType><Content>007</Content><MsgId>1</MsgId></xml>',
    );
    expect(message).toMatchObject({ content: '007', source: '00042', target: '0123' });
    const big = parseMessage(
      `<xml>${HEAD('text')}<Content>12345678901234567890.50</Content></xml>`,
    ) as { content: string };
    expect(big.content).toBe('12345678901234567890.50');
    const bool = parseMessage(`<xml>${HEAD('text')}<Content>true</Content></xml>`) as {
      content: string;
    };
    expect(bool.content).toBe('true');
  });

  it('whitespace and entities inside text are kept as text', () => {
    const message = parseMessage(
      `<xml>${HEAD('text')}<Content>  a &lt;b&gt; &amp; c  </Content></xml>`,
    ) as { content: string };
    expect(message.content).toBe('  a <b> & c  ');
  });

  it('character references are decoded; an escaped one is not decoded twice; CDATA is literal', () => {
    const message = parseMessage(
      `<xml>${HEAD('text')}<Content>&#60;&#x41;&#128512; &amp;#60; <![CDATA[&#60;&lt;]]></Content></xml>`,
    ) as { content: string };
    expect(message.content).toBe('<A😀 &#60; &#60;&lt;');
  });

  it('one message declaring XML 1.1 does not change how the next is read (the entity decoder is shared)', () => {
    const text = (declaration: string) =>
      `${declaration}<xml>${HEAD('text')}<Content>a&#1;b</Content></xml>`;
    const read = (declaration: string) =>
      (parseMessage(text(declaration)) as { content: string }).content;
    // XML 1.0 has no U+0001, even as a reference: it is dropped; XML 1.1 allows it.
    expect(read('')).toBe('ab');
    expect(read('<?xml version="1.1"?>')).toBe('a\u0001b');
    expect(read('')).toBe('ab');
    expect(read('<?xml version="1.0"?>')).toBe('ab');
  });

  it('empty elements read as empty strings', () => {
    for (const content of [
      '<Content></Content>',
      '<Content/>',
      '<Content><![CDATA[]]></Content>',
    ]) {
      const message = parseMessage(`<xml>${HEAD('text')}${content}</xml>`) as { content: string };
      expect(message.content).toBe('');
    }
  });

  it('unknown MsgType → unknown, raw and fields kept', () => {
    const xml = `<xml>${HEAD('miniprogrampage')}<Title><![CDATA[小程序]]></Title><AppId><![CDATA[wx123]]></AppId><MsgId>1234567890123456</MsgId></xml>`;
    const message = parseMessage(xml);
    expect(message.type).toBe('unknown');
    expect(message.raw).toBe(xml);
    expect(message.messageId).toBe('1234567890123456');
    expect(message.fields).toMatchObject({
      MsgType: 'miniprogrampage',
      Title: '小程序',
      AppId: 'wx123',
    });
  });

  it('no CreateTime → time is NaN; no MsgId → messageId is ""', () => {
    const message = parseMessage('<xml><MsgType>text</MsgType><Content>x</Content></xml>');
    expect(Number.isNaN(message.time)).toBe(true);
    expect(message.messageId).toBe('');
    expect(message.source).toBe('');
  });
});

describe('parseMessage: events', () => {
  it('subscribe, plain: no key, no ticket', () => {
    const message = parseMessage(event('subscribe'));
    expect(message.type).toBe('subscribe_event');
    if (message.type !== 'subscribe_event') return;
    expect(message.key).toBeUndefined();
    expect(message.ticket).toBeUndefined();
    expect(message.messageId).toBe('');
  });

  it('subscribe by QR code: qrscene_ key and ticket', () => {
    const message = parseMessage(
      event(
        'subscribe',
        '<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>',
      ),
    );
    expect(message).toMatchObject({
      type: 'subscribe_event',
      key: 'qrscene_123123',
      ticket: 'TICKET',
      ...common,
    });
  });

  it('the Event value is matched case-insensitively (WeChat sends SCAN, CLICK, LOCATION)', () => {
    expect(
      parseMessage(
        event('SCAN', '<EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[T]]></Ticket>'),
      ),
    ).toMatchObject({ type: 'scan_event', key: 'SCENE_VALUE', ticket: 'T' });
    expect(parseMessage(event('CLICK', '<EventKey><![CDATA[music]]></EventKey>'))).toMatchObject({
      type: 'click_event',
      key: 'music',
    });
    expect(
      parseMessage(event('VIEW', '<EventKey><![CDATA[http://www.qq.com/]]></EventKey>')),
    ).toMatchObject({ type: 'view_event', key: 'http://www.qq.com/' });
  });

  it('unsubscribe', () => {
    const message = parseMessage(event('unsubscribe'));
    expect(message.type).toBe('unsubscribe_event');
    expect(fieldKeys(message)).toEqual([]);
  });

  it('scancode_push and scancode_waitmsg: ScanCodeInfo flattened', () => {
    for (const name of ['scancode_push', 'scancode_waitmsg'] as const) {
      const message = parseMessage(
        event(
          name,
          '<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType>' +
            '<ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>',
        ),
      );
      expect(message).toMatchObject({
        type: `${name}_event`,
        key: '6',
        scanType: 'qrcode',
        scanResult: '1',
      });
    }
  });

  const picInfo = (md5s: string[]) =>
    `<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>${md5s.length}</Count><PicList>` +
    md5s.map((m) => `<item><PicMd5Sum><![CDATA[${m}]]></PicMd5Sum></item>`).join('') +
    '</PicList></SendPicsInfo>';

  for (const name of ['pic_sysphoto', 'pic_photo_or_album', 'pic_weixin'] as const) {
    it(`${name}: one item → a list of one`, () => {
      const message = parseMessage(event(name, picInfo(['1b5f7c23b5bf75682a53e7b6d163e185'])));
      expect(message).toMatchObject({
        type: `${name}_event`,
        key: '6',
        count: 1,
        picList: [{ picMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' }],
      });
    });

    it(`${name}: many items → all of them, in order`, () => {
      const message = parseMessage(event(name, picInfo(['a', 'b', 'c'])));
      expect(message).toMatchObject({
        count: 3,
        picList: [{ picMd5Sum: 'a' }, { picMd5Sum: 'b' }, { picMd5Sum: 'c' }],
      });
    });
  }

  it('pic event with an empty PicList → []', () => {
    const message = parseMessage(
      event(
        'pic_weixin',
        '<EventKey>6</EventKey><SendPicsInfo><Count>0</Count><PicList></PicList></SendPicsInfo>',
      ),
    );
    expect(message).toMatchObject({ count: 0, picList: [] });
  });

  it('location_select: SendLocationInfo flattened, Poiname optional', () => {
    const info =
      '<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X>' +
      '<Location_Y><![CDATA[113.5]]></Location_Y><Scale><![CDATA[15]]></Scale>' +
      '<Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label>';
    const withPoi = parseMessage(
      event('location_select', `${info}<Poiname><![CDATA[广州塔]]></Poiname></SendLocationInfo>`),
    );
    expect(withPoi).toMatchObject({
      type: 'location_select_event',
      key: '6',
      locationX: 23,
      locationY: 113.5,
      scale: 15,
      label: ' 广州市海珠区客村艺苑路 106号',
      poiName: '广州塔',
    });
    const without = parseMessage(event('location_select', `${info}</SendLocationInfo>`));
    expect((without as { poiName?: string }).poiName).toBeUndefined();
  });

  it('location event: three floats', () => {
    const message = parseMessage(
      event(
        'LOCATION',
        '<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>',
      ),
    );
    expect(message).toMatchObject({
      type: 'location_event',
      latitude: 23.137466,
      longitude: 113.352425,
      precision: 119.38504,
    });
  });

  it('templatesendjobfinish, with MsgID', () => {
    const message = parseMessage(
      event(
        'TEMPLATESENDJOBFINISH',
        '<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>',
      ),
    );
    expect(message).toMatchObject({
      type: 'templatesendjobfinish_event',
      status: 'success',
      messageId: '200163836',
    });
  });

  it('user_scan_product: ints and strings', () => {
    const message = parseMessage(
      event(
        'user_scan_product',
        '<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[6901481811083]]></KeyStr>' +
          '<Country><![CDATA[中国]]></Country><Province><![CDATA[广东]]></Province><City><![CDATA[广州]]></City>' +
          '<Sex>1</Sex><Scene>2</Scene><ExtInfo><![CDATA[123]]></ExtInfo>',
      ),
    );
    expect(message).toMatchObject({
      type: 'user_scan_product_event',
      keyStandard: 'ean13',
      keyStr: '6901481811083',
      country: '中国',
      province: '广东',
      city: '广州',
      sex: 1,
      scene: 2,
      extInfo: '123',
    });
  });

  it('user_scan_product_enter_session, _async, _verify_action', () => {
    const keys = '<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[690]]></KeyStr>';
    expect(
      parseMessage(
        event('user_scan_product_enter_session', `${keys}<ExtInfo><![CDATA[x]]></ExtInfo>`),
      ),
    ).toMatchObject({
      type: 'user_scan_product_enter_session_event',
      keyStandard: 'ean13',
      keyStr: '690',
      extInfo: 'x',
    });
    expect(
      parseMessage(
        event('user_scan_product_async', `${keys}<RegionCode><![CDATA[440105]]></RegionCode>`),
      ),
    ).toMatchObject({ type: 'user_scan_product_async_event', regionCode: '440105' });
    expect(
      parseMessage(
        event(
          'user_scan_product_verify_action',
          `${keys}<Result><![CDATA[verify_not_pass]]></Result><ReasonMsg><![CDATA[test]]></ReasonMsg>`,
        ),
      ),
    ).toMatchObject({
      type: 'user_scan_product_verify_action_event',
      result: 'verify_not_pass',
      reasonMsg: 'test',
    });
  });

  it('card_pass_check and card_not_pass_check', () => {
    expect(
      parseMessage(event('card_pass_check', '<CardId><![CDATA[pFS7Fjg8kV1I]]></CardId>')),
    ).toMatchObject({ type: 'card_pass_check_event', cardId: 'pFS7Fjg8kV1I' });
    expect(
      parseMessage(
        event(
          'card_not_pass_check',
          '<CardId><![CDATA[pFS7Fjg8kV1I]]></CardId><RefuseReason><![CDATA[非法代制]]></RefuseReason>',
        ),
      ),
    ).toMatchObject({
      type: 'card_not_pass_check_event',
      cardId: 'pFS7Fjg8kV1I',
      refuseReason: '非法代制',
    });
  });

  it('user_get_card: every field', () => {
    const message = parseMessage(
      event(
        'user_get_card',
        '<CardId><![CDATA[po2VNuCuRo-8sxxxxxxxxxxx]]></CardId><IsGiveByFriend>1</IsGiveByFriend>' +
          '<UserCardCode><![CDATA[226009850808]]></UserCardCode><FriendUserName><![CDATA[friend]]></FriendUserName>' +
          '<OuterId>0</OuterId><OldUserCardCode><![CDATA[old]]></OldUserCardCode>' +
          '<OuterStr><![CDATA[12b]]></OuterStr><IsRestoreMemberCard>0</IsRestoreMemberCard>' +
          '<IsRecommendByFriend>0</IsRecommendByFriend>',
      ),
    );
    expect(message).toMatchObject({
      type: 'user_get_card_event',
      cardId: 'po2VNuCuRo-8sxxxxxxxxxxx',
      userCardCode: '226009850808',
      isGiveByFriend: 1,
      friendUserName: 'friend',
      outerId: 0,
      oldUserCardCode: 'old',
      outerStr: '12b',
      isRestoreMemberCard: 0,
      isRecommendByFriend: 0,
    });
  });

  it('user_gifting_card', () => {
    expect(
      parseMessage(
        event(
          'user_gifting_card',
          '<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[u]]></UserCardCode>' +
            '<IsReturnBack>0</IsReturnBack><FriendUserName><![CDATA[f]]></FriendUserName><IsChatRoom>1</IsChatRoom>',
        ),
      ),
    ).toMatchObject({
      type: 'user_gifting_card_event',
      cardId: 'c',
      userCardCode: 'u',
      isReturnBack: 0,
      friendUserName: 'f',
      isChatRoom: 1,
    });
  });

  for (const name of [
    'user_del_card',
    'user_enter_session_from_card',
    'submit_membercard_user_info',
  ] as const) {
    it(`${name}: CardId and UserCardCode`, () => {
      expect(
        parseMessage(
          event(
            name,
            '<CardId><![CDATA[card]]></CardId><UserCardCode><![CDATA[12312312]]></UserCardCode>',
          ),
        ),
      ).toMatchObject({ type: `${name}_event`, cardId: 'card', userCardCode: '12312312' });
    });
  }

  it('user_consume_card', () => {
    expect(
      parseMessage(
        event(
          'user_consume_card',
          '<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[u]]></UserCardCode>' +
            '<ConsumeSource><![CDATA[FROM_API]]></ConsumeSource><LocationName><![CDATA[门店]]></LocationName>' +
            '<StaffOpenId><![CDATA[staff]]></StaffOpenId><VerifyCode><![CDATA[v]]></VerifyCode>' +
            '<RemarkAmount><![CDATA[0.50]]></RemarkAmount><OuterStr><![CDATA[o]]></OuterStr>',
        ),
      ),
    ).toMatchObject({
      type: 'user_consume_card_event',
      consumeSource: 'FROM_API',
      locationName: '门店',
      staffOpenId: 'staff',
      verifyCode: 'v',
      remarkAmount: '0.50',
      outerStr: 'o',
    });
  });

  it('user_pay_from_pay_cell', () => {
    const message = parseMessage(
      event(
        'User_pay_from_pay_cell',
        '<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[u]]></UserCardCode>' +
          '<TransId><![CDATA[10022403432015]]></TransId><LocationId>291710847</LocationId>' +
          '<Fee><![CDATA[100]]></Fee><OriginalFee><![CDATA[200]]></OriginalFee>',
      ),
    );
    expect(message).toMatchObject({
      type: 'user_pay_from_pay_cell_event',
      transId: '10022403432015',
      locationId: 291710847,
      fee: '100',
      originalFee: '200',
    });
  });

  it('user_view_card, update_member_card, card_sku_remind', () => {
    expect(
      parseMessage(
        event(
          'user_view_card',
          '<CardId>c</CardId><UserCardCode>u</UserCardCode><OuterStr><![CDATA[o]]></OuterStr>',
        ),
      ),
    ).toMatchObject({ type: 'user_view_card_event', outerStr: 'o' });
    expect(
      parseMessage(
        event(
          'update_member_card',
          '<CardId>c</CardId><UserCardCode>u</UserCardCode><ModifyBonus>3</ModifyBonus><ModifyBalance>-2</ModifyBalance>',
        ),
      ),
    ).toMatchObject({ type: 'update_member_card_event', modifyBonus: 3, modifyBalance: -2 });
    expect(
      parseMessage(
        event('card_sku_remind', '<CardId>c</CardId><Detail><![CDATA[库存不足]]></Detail>'),
      ),
    ).toMatchObject({ type: 'card_sku_remind_event', cardId: 'c', detail: '库存不足' });
  });

  it('card_pay_order: every field', () => {
    const message = parseMessage(
      event(
        'card_pay_order',
        '<OrderId><![CDATA[404091456]]></OrderId><Status><![CDATA[ORDER_STATUS_FINANCE_SUCC]]></Status>' +
          '<CreateOrderTime>1472529838</CreateOrderTime><PayFinishTime>1472529839</PayFinishTime>' +
          '<Desc><![CDATA[desc]]></Desc><FreeCoinCount><![CDATA[200]]></FreeCoinCount>' +
          '<PayCoinCount><![CDATA[0]]></PayCoinCount><RefundFreeCoinCount><![CDATA[0]]></RefundFreeCoinCount>' +
          '<RefundPayCoinCount><![CDATA[0]]></RefundPayCoinCount><OrderType><![CDATA[ORDER_TYPE_SYS_ADD]]></OrderType>' +
          '<Memo><![CDATA[开通账户奖励]]></Memo><ReceiptInfo><![CDATA[]]></ReceiptInfo>',
      ),
    );
    expect(message).toMatchObject({
      type: 'card_pay_order_event',
      orderId: '404091456',
      status: 'ORDER_STATUS_FINANCE_SUCC',
      createOrderTime: 1472529838,
      payFinishTime: 1472529839,
      desc: 'desc',
      freeCoinCount: '200',
      payCoinCount: '0',
      refundFreeCoinCount: '0',
      refundPayCoinCount: '0',
      orderType: 'ORDER_TYPE_SYS_ADD',
      memo: '开通账户奖励',
      receiptInfo: '',
    });
  });

  it("card_pay_order: the seed's card_id and user_card_code, and without them", () => {
    const message = parseMessage(
      event(
        'card_pay_order',
        '<CardId><![CDATA[pFS7Fjg8kV1IdDz01r4SQwMkuCKc]]></CardId>' +
          '<UserCardCode><![CDATA[12312312]]></UserCardCode>' +
          '<OrderId><![CDATA[404091456]]></OrderId>',
      ),
    );
    expect(message).toMatchObject({
      type: 'card_pay_order_event',
      cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      userCardCode: '12312312',
      orderId: '404091456',
    });
    const bare = parseMessage(event('card_pay_order', '<OrderId>1</OrderId>'));
    if (bare.type !== 'card_pay_order_event') throw new Error(bare.type);
    expect(bare.cardId).toBeUndefined();
    expect(bare.userCardCode).toBeUndefined();
  });

  it('unknown Event → unknown_event, raw and fields kept', () => {
    const xml = event('weapp_audit_success', '<SuccTime>1535442403</SuccTime>');
    const message = parseMessage(xml);
    expect(message.type).toBe('unknown_event');
    expect(message.raw).toBe(xml);
    expect(message.fields).toMatchObject({ Event: 'weapp_audit_success', SuccTime: '1535442403' });
  });

  it('an unknown extra field never fails a parse', () => {
    const message = parseMessage(
      event('click', '<EventKey>k</EventKey><MenuId>208379533</MenuId><Extra><A>1</A></Extra>'),
    );
    expect(message).toMatchObject({ type: 'click_event', key: 'k' });
    expect(message.fields.MenuId).toBe('208379533');
  });

  it('a missing required int/float reads as NaN, a missing required string as ""', () => {
    const message = parseMessage(`<xml>${HEAD('location')}</xml>`);
    if (message.type !== 'location') throw new Error('not a location');
    expect(Number.isNaN(message.locationX)).toBe(true);
    expect(Number.isNaN(message.scale)).toBe(true);
    expect(message.label).toBe('');
  });
});

describe('parseMessage: refused input', () => {
  it('a DOCTYPE is refused (no entity expansion, no XXE)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      `<xml>${HEAD('text')}<Content>&xxe;</Content></xml>`;
    expect(() => parseMessage(xxe)).toThrow(XmlParseError);
    const bomb =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' +
      `<xml>${HEAD('text')}<Content>&lol2;</Content></xml>`;
    expect(() => parseMessage(bomb)).toThrow(/DOCTYPE/);
  });

  it.each([
    ['unclosed tag', '<xml><Content>hi</xml>'],
    ['not XML', 'hello world'],
    ['truncated', `<xml>${HEAD('text')}<Content><![CDATA[abc`],
    ['two roots', '<xml></xml><xml></xml>'],
  ])('malformed XML (%s) → XmlParseError with status 400', (_name, xml) => {
    let caught: unknown;
    try {
      parseMessage(xml);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(XmlParseError);
    expect((caught as XmlParseError).status).toBe(400);
  });

  it.each([
    ['an unknown marked section', `<xml>${HEAD('text')}<Content><![XXXXXX[x]]></Content></xml>`],
    ['a CDATA with a space', `<xml>${HEAD('text')}<Content><![ CDATA[x]]></Content></xml>`],
    ['a lower-case cdata', `<xml>${HEAD('text')}<Content><![cdata[x]]></Content></xml>`],
    ['after a CDATA', `<xml>${HEAD('text')}<Content><![CDATA[a]]><![X[b]]></Content></xml>`],
  ])('a "<![" that is not "<![CDATA[" (%s) → XmlParseError', (_name, xml) => {
    expect(() => parseMessage(xml)).toThrow(XmlParseError);
  });

  it('"<![" as text inside a CDATA section or a comment is fine', () => {
    const message = parseMessage(
      `<xml>${HEAD('text')}<!-- <![X[ --><Content><![CDATA[a<![X[b]]></Content></xml>`,
    );
    expect(message).toMatchObject({ type: 'text', content: 'a<![X[b' });
  });

  it('a root other than <xml> → XmlParseError', () => {
    expect(() => parseMessage('<root><MsgType>text</MsgType></root>')).toThrow(XmlParseError);
  });

  it('an XML declaration is fine', () => {
    const message = parseMessage(
      `<?xml version="1.0" encoding="UTF-8"?><xml>${HEAD('text')}<Content>hi</Content></xml>`,
    );
    expect(message).toMatchObject({ type: 'text', content: 'hi' });
  });
});
