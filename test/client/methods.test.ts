import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  Client,
  type GetMenuResult,
  type MassSendResult,
  type MediaDownload,
  type UserInfoResult,
  type WeChatResult,
} from '../../src/core/client/index.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import type { JsonCase } from './fixtures/json-case.js';
import { PLATFORM_CASES } from './fixtures/platform-cases.js';
import { PLATFORM_METHODS } from './platform-methods.js';

const OK = { errcode: 0, errmsg: 'ok' };
const MENU = {
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    {
      name: '菜单',
      sub_button: [
        { type: 'view', name: '搜索', url: 'http://www.soso.com/' },
        { type: 'click', name: '赞一下我们', key: 'V1001_GOOD' },
      ],
    },
  ],
};
const ARTICLE = {
  title: 'Happy Day',
  thumb_media_id: 'THUMB',
  author: 'xxx',
  digest: 'digest',
  show_cover_pic: 1,
  content: '<p>content</p>',
  content_source_url: 'https://example.com',
};

const cases: JsonCase[] = [
  // Issue 11's areas (subscription messages, sessions, blacklist, short keys, data, comments).
  ...PLATFORM_CASES,
  // 7.1
  {
    name: 'getIpList',
    call: (c) => c.getIpList(),
    method: 'GET',
    path: '/cgi-bin/getcallbackip',
    reply: { json: { ip_list: ['127.0.0.1', '101.226.103.0/25'] } },
  },
  // 7.2 menus
  {
    name: 'createMenu',
    call: (c) => c.createMenu(MENU),
    method: 'POST',
    path: '/cgi-bin/menu/create',
    body: MENU,
  },
  {
    name: 'getMenu',
    call: (c) => c.getMenu(),
    method: 'GET',
    path: '/cgi-bin/menu/get',
    reply: { json: { menu: { button: MENU.button } } },
  },
  { name: 'deleteMenu', call: (c) => c.deleteMenu(), method: 'GET', path: '/cgi-bin/menu/delete' },
  {
    name: 'createCustomMenu',
    call: (c) => c.createCustomMenu(MENU.button, { tag_id: '2', sex: '1', language: 'zh_CN' }),
    method: 'POST',
    path: '/cgi-bin/menu/addconditional',
    body: { button: MENU.button, matchrule: { tag_id: '2', sex: '1', language: 'zh_CN' } },
    reply: { json: { menuid: '208379533' } },
  },
  {
    name: 'deleteCustomMenu',
    call: (c) => c.deleteCustomMenu('208379533'),
    method: 'POST',
    path: '/cgi-bin/menu/delconditional',
    body: { menuid: '208379533' },
  },
  {
    name: 'matchCustomMenu',
    call: (c) => c.matchCustomMenu('weixin-id'),
    method: 'POST',
    path: '/cgi-bin/menu/trymatch',
    body: { user_id: 'weixin-id' },
    reply: { json: { button: MENU.button } },
  },
  {
    name: 'getCustomMenuConfig',
    call: (c) => c.getCustomMenuConfig(),
    method: 'GET',
    path: '/cgi-bin/get_current_selfmenu_info',
    reply: {
      json: {
        is_menu_open: 1,
        selfmenu_info: { button: [{ type: 'click', name: 'a', key: 'k' }] },
      },
    },
  },
  // 7.3.1 customer service accounts
  {
    name: 'addCustomServiceAccount',
    call: (c) => c.addCustomServiceAccount('kf1@gh_test', '客服1', 'pass'),
    method: 'POST',
    path: '/customservice/kfaccount/add',
    body: { kf_account: 'kf1@gh_test', nickname: '客服1', password: 'pass' },
  },
  {
    name: 'updateCustomServiceAccount',
    call: (c) => c.updateCustomServiceAccount('kf1@gh_test', '客服一'),
    method: 'POST',
    path: '/customservice/kfaccount/update',
    body: { kf_account: 'kf1@gh_test', nickname: '客服一' },
  },
  {
    name: 'deleteCustomServiceAccount',
    call: (c) => c.deleteCustomServiceAccount('kf1@gh_test', '客服一', 'pass'),
    method: 'POST',
    path: '/customservice/kfaccount/del',
    body: { kf_account: 'kf1@gh_test' },
  },
  {
    name: 'getCustomServiceAccountList',
    call: (c) => c.getCustomServiceAccountList(),
    method: 'GET',
    path: '/cgi-bin/customservice/getkflist',
    reply: { json: { kf_list: [{ kf_account: 'kf1@gh_test', kf_nick: '客服1', kf_id: '1001' }] } },
  },
  {
    name: 'getOnlineCustomServiceAccountList',
    call: (c) => c.getOnlineCustomServiceAccountList(),
    method: 'GET',
    path: '/cgi-bin/customservice/getonlinekflist',
    reply: {
      json: {
        kf_online_list: [{ kf_account: 'kf1@gh_test', status: 1, kf_id: '1001', accepted_case: 1 }],
      },
    },
  },
  // 7.3.1 customer service messages
  {
    name: 'sendTextMessage',
    call: (c) => c.sendTextMessage('OPENID', '你好'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: { touser: 'OPENID', msgtype: 'text', text: { content: '你好' } },
  },
  {
    name: 'sendTextMessage (kfAccount)',
    call: (c) => c.sendTextMessage('OPENID', '你好', 'kf1@gh_test'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'text',
      text: { content: '你好' },
      customservice: { kf_account: 'kf1@gh_test' },
    },
  },
  {
    name: 'sendImageMessage',
    call: (c) => c.sendImageMessage('OPENID', 'MEDIA', 'kf1@gh_test'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'image',
      image: { media_id: 'MEDIA' },
      customservice: { kf_account: 'kf1@gh_test' },
    },
  },
  {
    name: 'sendVoiceMessage',
    call: (c) => c.sendVoiceMessage('OPENID', 'MEDIA'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: { touser: 'OPENID', msgtype: 'voice', voice: { media_id: 'MEDIA' } },
  },
  {
    name: 'sendVideoMessage',
    call: (c) => c.sendVideoMessage('OPENID', 'MEDIA', '标题', '描述', 'kf1@gh_test'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'video',
      video: { media_id: 'MEDIA', title: '标题', description: '描述' },
      customservice: { kf_account: 'kf1@gh_test' },
    },
  },
  {
    name: 'sendMusicMessage',
    call: (c) => c.sendMusicMessage('OPENID', 'http://m/1.mp3', 'http://m/1hq.mp3', 'THUMB', '歌'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'music',
      music: {
        musicurl: 'http://m/1.mp3',
        hqmusicurl: 'http://m/1hq.mp3',
        thumb_media_id: 'THUMB',
        title: '歌',
      },
    },
  },
  {
    name: 'sendArticleMessage',
    call: (c) =>
      c.sendArticleMessage('OPENID', [
        { title: 'Happy Day', description: 'Is Really A Happy Day', url: 'URL', picurl: 'PIC' },
        { title: 'B', url: 'URL2', img: 'IMG' },
      ]),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'news',
      news: {
        articles: [
          { title: 'Happy Day', description: 'Is Really A Happy Day', url: 'URL', picurl: 'PIC' },
          { title: 'B', url: 'URL2', picurl: 'IMG' },
        ],
      },
    },
  },
  {
    name: 'sendNewsMessage',
    call: (c) => c.sendNewsMessage('OPENID', 'MEDIA'),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: { touser: 'OPENID', msgtype: 'mpnews', mpnews: { media_id: 'MEDIA' } },
  },
  {
    name: 'sendMiniprogrampageMessage',
    call: (c) =>
      c.sendMiniprogrampageMessage(
        'OPENID',
        '卡片',
        'wxmini',
        'pages/index/index?foo=bar',
        'THUMB',
        'kf1@gh_test',
      ),
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    body: {
      touser: 'OPENID',
      msgtype: 'miniprogrampage',
      miniprogrampage: {
        title: '卡片',
        appid: 'wxmini',
        pagepath: 'pages/index/index?foo=bar',
        thumb_media_id: 'THUMB',
      },
      customservice: { kf_account: 'kf1@gh_test' },
    },
  },
  // 7.3.2 mass messages
  {
    name: 'sendMassMsg (to all)',
    call: (c) => c.sendMassMsg('text', '大家好'),
    method: 'POST',
    path: '/cgi-bin/message/mass/sendall',
    body: {
      msgtype: 'text',
      text: { content: '大家好' },
      send_ignore_reprint: 0,
      filter: { is_to_all: true },
    },
    reply: {
      body: '{"errcode":0,"errmsg":"send job submission success","msg_id":1000000001234567890,"msg_data_id":2247483647}',
    },
    result: {
      errcode: 0,
      errmsg: 'send job submission success',
      msg_id: '1000000001234567890',
      msg_data_id: '2247483647',
    },
  },
  {
    name: 'sendMassMsg (to a tag)',
    call: (c) => c.sendMassMsg('video', 'MEDIA', 2, true, 'client-1'),
    method: 'POST',
    path: '/cgi-bin/message/mass/sendall',
    body: {
      msgtype: 'mpvideo',
      mpvideo: { media_id: 'MEDIA' },
      send_ignore_reprint: 1,
      clientmsgid: 'client-1',
      filter: { is_to_all: false, tag_id: 2 },
    },
    reply: { json: { errcode: 0, errmsg: 'ok', msg_id: 34182 } },
    result: { errcode: 0, errmsg: 'ok', msg_id: '34182' },
  },
  {
    name: 'sendMassMsg (to users)',
    call: (c) => c.sendMassMsg('mpnews', 'MEDIA', ['O1', 'O2']),
    method: 'POST',
    path: '/cgi-bin/message/mass/send',
    body: {
      msgtype: 'mpnews',
      mpnews: { media_id: 'MEDIA' },
      send_ignore_reprint: 0,
      touser: ['O1', 'O2'],
    },
    reply: { json: { errcode: 0, errmsg: 'ok', msg_id: 34182 } },
    result: { errcode: 0, errmsg: 'ok', msg_id: '34182' },
  },
  {
    name: 'deleteMassMsg',
    call: (c) => c.deleteMassMsg('1000000001234567890', 2),
    method: 'POST',
    path: '/cgi-bin/message/mass/delete',
    rawBody: '{"msg_id":1000000001234567890,"article_idx":2}',
  },
  {
    name: 'sendMassPreviewToUser (openid)',
    call: (c) => c.sendMassPreviewToUser('wxcard', 'CARD', 'OPENID'),
    method: 'POST',
    path: '/cgi-bin/message/mass/preview',
    body: { msgtype: 'wxcard', wxcard: { card_id: 'CARD' }, touser: 'OPENID' },
    reply: { json: { errcode: 0, errmsg: 'preview success', msg_id: 34182 } },
    result: { errcode: 0, errmsg: 'preview success', msg_id: '34182' },
  },
  {
    name: 'sendMassPreviewToUser (wxname)',
    call: (c) => c.sendMassPreviewToUser('image', 'MEDIA', 'weixin-id', 'wxname'),
    method: 'POST',
    path: '/cgi-bin/message/mass/preview',
    body: { msgtype: 'image', image: { media_id: 'MEDIA' }, towxname: 'weixin-id' },
  },
  {
    name: 'getMassMsgStatus',
    call: (c) => c.getMassMsgStatus(1000000001234567890n),
    method: 'POST',
    path: '/cgi-bin/message/mass/get',
    rawBody: '{"msg_id":1000000001234567890}',
    reply: { body: '{"msg_id":1000000001234567890,"msg_status":"SEND_SUCCESS"}' },
    result: { msg_id: '1000000001234567890', msg_status: 'SEND_SUCCESS' },
  },
  {
    name: 'getMassMsgSpeed',
    call: (c) => c.getMassMsgSpeed(),
    method: 'POST',
    path: '/cgi-bin/message/mass/speed/get',
    body: {},
    reply: { json: { speed: 3, realspeed: 15 } },
  },
  {
    name: 'setMassMsgSpeed',
    call: (c) => c.setMassMsgSpeed(2),
    method: 'POST',
    path: '/cgi-bin/message/mass/speed/set',
    body: { speed: 2 },
  },
  // 7.4 users and (retired) groups
  {
    name: 'createGroup',
    call: (c) => c.createGroup('test'),
    method: 'POST',
    path: '/cgi-bin/groups/create',
    body: { group: { name: 'test' } },
    reply: { json: { group: { id: 107, name: 'test' } } },
  },
  {
    name: 'getGroups',
    call: (c) => c.getGroups(),
    method: 'GET',
    path: '/cgi-bin/groups/get',
    reply: { json: { groups: [{ id: 0, name: '未分组', count: 72596 }] } },
  },
  {
    name: 'getGroupById',
    call: (c) => c.getGroupById('OPENID'),
    method: 'POST',
    path: '/cgi-bin/groups/getid',
    body: { openid: 'OPENID' },
    reply: { json: { groupid: 102 } },
  },
  {
    name: 'updateGroup',
    call: (c) => c.updateGroup(108, 'test2'),
    method: 'POST',
    path: '/cgi-bin/groups/update',
    body: { group: { id: 108, name: 'test2' } },
  },
  {
    name: 'moveUser',
    call: (c) => c.moveUser('OPENID', 108),
    method: 'POST',
    path: '/cgi-bin/groups/members/update',
    body: { openid: 'OPENID', to_groupid: 108 },
  },
  {
    name: 'moveUsers',
    call: (c) => c.moveUsers(['O1', 'O2'], 108),
    method: 'POST',
    path: '/cgi-bin/groups/members/batchupdate',
    body: { openid_list: ['O1', 'O2'], to_groupid: 108 },
  },
  {
    name: 'deleteGroup',
    call: (c) => c.deleteGroup(108),
    method: 'POST',
    path: '/cgi-bin/groups/delete',
    body: { group: { id: 108 } },
  },
  {
    name: 'remarkUser',
    call: (c) => c.remarkUser('OPENID', 'pangzi'),
    method: 'POST',
    path: '/cgi-bin/user/info/updateremark',
    body: { openid: 'OPENID', remark: 'pangzi' },
  },
  {
    name: 'getUserInfo',
    call: (c) => c.getUserInfo('OPENID'),
    method: 'GET',
    path: '/cgi-bin/user/info',
    query: { openid: 'OPENID', lang: 'zh_CN' },
    reply: { json: { subscribe: 1, openid: 'OPENID', language: 'zh_CN', tagid_list: [128, 2] } },
  },
  {
    name: 'getUserInfo (en)',
    call: (c) => c.getUserInfo('OPENID', 'en'),
    method: 'GET',
    path: '/cgi-bin/user/info',
    query: { openid: 'OPENID', lang: 'en' },
    reply: { json: { subscribe: 0, openid: 'OPENID' } },
  },
  {
    name: 'getUsersInfo',
    call: (c) => c.getUsersInfo(['O1', 'O2'], 'zh_TW'),
    method: 'POST',
    path: '/cgi-bin/user/info/batchget',
    body: {
      user_list: [
        { openid: 'O1', lang: 'zh_TW' },
        { openid: 'O2', lang: 'zh_TW' },
      ],
    },
    reply: {
      json: {
        user_info_list: [
          { subscribe: 1, openid: 'O1' },
          { subscribe: 0, openid: 'O2' },
        ],
      },
    },
  },
  {
    name: 'getFollowers',
    call: (c) => c.getFollowers(),
    method: 'GET',
    path: '/cgi-bin/user/get',
    reply: { json: { total: 2, count: 2, data: { openid: ['O1', 'O2'] }, next_openid: 'O2' } },
  },
  {
    name: 'getFollowers (next page)',
    call: (c) => c.getFollowers('O2'),
    method: 'GET',
    path: '/cgi-bin/user/get',
    query: { next_openid: 'O2' },
    reply: { json: { total: 2, count: 0, next_openid: '' } },
  },
  // 7.5 QR codes
  {
    name: 'createQrcode',
    call: (c) =>
      c.createQrcode({
        expire_seconds: 604800,
        action_name: 'QR_STR_SCENE',
        action_info: { scene: { scene_str: 'test' } },
      }),
    method: 'POST',
    path: '/cgi-bin/qrcode/create',
    body: {
      expire_seconds: 604800,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'test' } },
    },
    reply: {
      json: { ticket: 'TICKET', expire_seconds: 60, url: 'http://weixin.qq.com/q/kZgfwMTm72' },
    },
  },
  // 7.6 material
  {
    name: 'addNews',
    call: (c) => c.addNews([ARTICLE]),
    method: 'POST',
    path: '/cgi-bin/material/add_news',
    body: { articles: [ARTICLE] },
    reply: { json: { media_id: 'NEWS' } },
  },
  {
    name: 'deletePermanentMedia',
    call: (c) => c.deletePermanentMedia('MEDIA'),
    method: 'POST',
    path: '/cgi-bin/material/del_material',
    body: { media_id: 'MEDIA' },
  },
  {
    name: 'uploadNews',
    call: (c) => c.uploadNews([ARTICLE]),
    method: 'POST',
    path: '/cgi-bin/media/uploadnews',
    body: { articles: [ARTICLE] },
    reply: { json: { type: 'news', media_id: 'NEWS', created_at: 1391857799 } },
  },
  {
    name: 'updateNews',
    call: (c) => c.updateNews({ media_id: 'NEWS', index: 0, articles: ARTICLE }),
    method: 'POST',
    path: '/cgi-bin/material/update_news',
    body: { media_id: 'NEWS', index: 0, articles: ARTICLE },
  },
  {
    name: 'getMediaCount',
    call: (c) => c.getMediaCount(),
    method: 'GET',
    path: '/cgi-bin/material/get_materialcount',
    reply: { json: { voice_count: 1, video_count: 2, image_count: 3, news_count: 4 } },
  },
  {
    name: 'getMediaList',
    call: (c) => c.getMediaList('image', 0, 20),
    method: 'POST',
    path: '/cgi-bin/material/batchget_material',
    body: { type: 'image', offset: 0, count: 20 },
    reply: {
      json: {
        total_count: 1,
        item_count: 1,
        item: [{ media_id: 'M', name: 'a.jpg', update_time: 1, url: 'http://x/a.jpg' }],
      },
    },
  },
  // 7.7 tags
  {
    name: 'createTag',
    call: (c) => c.createTag('广东'),
    method: 'POST',
    path: '/cgi-bin/tags/create',
    body: { tag: { name: '广东' } },
    reply: { json: { tag: { id: 134, name: '广东' } } },
  },
  {
    name: 'getTags',
    call: (c) => c.getTags(),
    method: 'GET',
    path: '/cgi-bin/tags/get',
    reply: { json: { tags: [{ id: 2, name: '星标组', count: 0 }] } },
  },
  {
    name: 'updateTag',
    call: (c) => c.updateTag(134, '广东人'),
    method: 'POST',
    path: '/cgi-bin/tags/update',
    body: { tag: { id: 134, name: '广东人' } },
  },
  {
    name: 'deleteTag',
    call: (c) => c.deleteTag(134),
    method: 'POST',
    path: '/cgi-bin/tags/delete',
    body: { tag: { id: 134 } },
  },
  {
    name: 'getUsersByTag',
    call: (c) => c.getUsersByTag(134),
    method: 'POST',
    path: '/cgi-bin/user/tag/get',
    body: { tagid: 134, next_openid: '' },
    reply: { json: { count: 1, data: { openid: ['O1'] }, next_openid: 'O1' } },
  },
  {
    name: 'getUsersByTag (next page)',
    call: (c) => c.getUsersByTag(134, 'O1'),
    method: 'POST',
    path: '/cgi-bin/user/tag/get',
    body: { tagid: 134, next_openid: 'O1' },
    reply: { json: { count: 0, next_openid: '' } },
  },
  {
    name: 'tagUsers',
    call: (c) => c.tagUsers(134, ['O1', 'O2']),
    method: 'POST',
    path: '/cgi-bin/tags/members/batchtagging',
    body: { openid_list: ['O1', 'O2'], tagid: 134 },
  },
  {
    name: 'untagUsers',
    call: (c) => c.untagUsers(134, ['O1']),
    method: 'POST',
    path: '/cgi-bin/tags/members/batchuntagging',
    body: { openid_list: ['O1'], tagid: 134 },
  },
  {
    name: 'getTagsByUser',
    call: (c) => c.getTagsByUser('O1'),
    method: 'POST',
    path: '/cgi-bin/tags/getidlist',
    body: { openid: 'O1' },
    reply: { json: { tagid_list: [134, 2] } },
  },
  // 7.8 templates
  {
    name: 'sendTemplateMessage',
    call: (c) =>
      c.sendTemplateMessage(
        'OPENID',
        'TPL',
        { name: { value: '张三', color: '#173177' } },
        'https://example.com',
        {
          appid: 'wxmini',
          pagepath: 'index?foo=bar',
        },
      ),
    method: 'POST',
    path: '/cgi-bin/message/template/send',
    body: {
      touser: 'OPENID',
      template_id: 'TPL',
      url: 'https://example.com',
      data: { name: { value: '张三', color: '#173177' } },
      miniprogram: { appid: 'wxmini', pagepath: 'index?foo=bar' },
    },
    reply: { body: '{"errcode":0,"errmsg":"ok","msgid":9007199254740993}' },
    result: { errcode: 0, errmsg: 'ok', msgid: '9007199254740993' },
  },
  {
    name: 'sendTemplateMessage (defaults)',
    call: (c) => c.sendTemplateMessage('OPENID', 'TPL', { name: { value: '张三' } }),
    method: 'POST',
    path: '/cgi-bin/message/template/send',
    body: { touser: 'OPENID', template_id: 'TPL', url: '', data: { name: { value: '张三' } } },
    reply: { json: { errcode: 0, errmsg: 'ok', msgid: 200228332 } },
    result: { errcode: 0, errmsg: 'ok', msgid: '200228332' },
  },
  // drafts and publishing (replace add_news/update_news)
  {
    name: 'addDraft',
    call: (c) => c.addDraft([{ title: 'T', content: 'C', thumb_media_id: 'THUMB' }]),
    method: 'POST',
    path: '/cgi-bin/draft/add',
    body: { articles: [{ title: 'T', content: 'C', thumb_media_id: 'THUMB' }] },
    reply: { json: { media_id: 'DRAFT' } },
  },
  {
    name: 'getDraft',
    call: (c) => c.getDraft('DRAFT'),
    method: 'POST',
    path: '/cgi-bin/draft/get',
    body: { media_id: 'DRAFT' },
    reply: { json: { news_item: [{ title: 'T', content: 'C', url: 'http://mp/s?x' }] } },
  },
  {
    name: 'deleteDraft',
    call: (c) => c.deleteDraft('DRAFT'),
    method: 'POST',
    path: '/cgi-bin/draft/delete',
    body: { media_id: 'DRAFT' },
  },
  {
    name: 'updateDraft',
    call: (c) => c.updateDraft('DRAFT', 0, { title: 'T2', content: 'C2' }),
    method: 'POST',
    path: '/cgi-bin/draft/update',
    body: { media_id: 'DRAFT', index: 0, articles: { title: 'T2', content: 'C2' } },
  },
  {
    name: 'getDraftCount',
    call: (c) => c.getDraftCount(),
    method: 'GET',
    path: '/cgi-bin/draft/count',
    reply: { json: { total_count: 3 } },
  },
  {
    name: 'getDraftList',
    call: (c) => c.getDraftList(0, 10, true),
    method: 'POST',
    path: '/cgi-bin/draft/batchget',
    body: { offset: 0, count: 10, no_content: 1 },
    reply: {
      json: {
        total_count: 1,
        item_count: 1,
        item: [{ media_id: 'DRAFT', content: { news_item: [{ title: 'T' }] }, update_time: 5 }],
      },
    },
  },
  {
    name: 'submitPublish',
    call: (c) => c.submitPublish('DRAFT'),
    method: 'POST',
    path: '/cgi-bin/freepublish/submit',
    body: { media_id: 'DRAFT' },
    reply: {
      body: '{"errcode":0,"errmsg":"ok","publish_id":100000001234567891,"msg_data_id":2247483647}',
    },
    result: {
      errcode: 0,
      errmsg: 'ok',
      publish_id: '100000001234567891',
      msg_data_id: '2247483647',
    },
  },
  {
    name: 'getPublishStatus',
    call: (c) => c.getPublishStatus('100000001234567891'),
    method: 'POST',
    path: '/cgi-bin/freepublish/get',
    body: { publish_id: '100000001234567891' },
    reply: {
      body: '{"publish_id":100000001234567891,"publish_status":0,"article_id":"ARTICLE","article_detail":{"count":1,"item":[{"idx":1,"article_url":"URL"}]},"fail_idx":[]}',
    },
    result: {
      publish_id: '100000001234567891',
      publish_status: 0,
      article_id: 'ARTICLE',
      article_detail: { count: 1, item: [{ idx: 1, article_url: 'URL' }] },
      fail_idx: [],
    },
  },
  {
    name: 'deletePublished',
    call: (c) => c.deletePublished('ARTICLE', 1),
    method: 'POST',
    path: '/cgi-bin/freepublish/delete',
    body: { article_id: 'ARTICLE', index: 1 },
  },
  {
    name: 'getPublishedArticle',
    call: (c) => c.getPublishedArticle('ARTICLE'),
    method: 'POST',
    path: '/cgi-bin/freepublish/getarticle',
    body: { article_id: 'ARTICLE' },
    reply: { json: { news_item: [{ title: 'T', url: 'URL', is_deleted: false }] } },
  },
  {
    name: 'getPublishedList',
    call: (c) => c.getPublishedList(0, 20),
    method: 'POST',
    path: '/cgi-bin/freepublish/batchget',
    body: { offset: 0, count: 20, no_content: 0 },
    reply: {
      json: {
        total_count: 1,
        item_count: 1,
        item: [{ article_id: 'ARTICLE', content: { news_item: [{ title: 'T' }] }, update_time: 5 }],
      },
    },
  },
];

let api: FakeWeChatApi;
let client: Client;

beforeAll(async () => {
  api = await startFakeWeChatApi();
});
afterAll(async () => {
  await client?.close();
  await api.close();
});
beforeEach(async () => {
  await client?.close();
  api.reset();
  client = new Client({
    appId: 'wx-app',
    appSecret: 'wx-secret',
    baseUrl: api.url,
    mpBaseUrl: api.url,
  });
});

/** The one request the client made to `path` (asserting there was exactly one). */
function onlyRequestTo(path: string) {
  const requests = api.requestsTo(path);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

describe('every JSON API method sends the exact request and returns the typed answer', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const reply = c.reply ?? { json: OK };
    api.on(c.method, c.path, reply);
    const result = await c.call(client);

    const req = onlyRequestTo(c.path);
    expect(req.method).toBe(c.method);
    expect(req.query).toEqual({ access_token: 'token-1', ...c.query });
    if (c.rawBody !== undefined) {
      expect(req.rawBody.toString('utf8')).toBe(c.rawBody);
    } else if (c.method === 'POST') {
      expect(req.headers['content-type']).toMatch(/^application\/json/);
      expect(req.json).toEqual(c.body);
    } else {
      expect(req.rawBody.length).toBe(0);
    }
    const expected = c.result ?? (reply.json as unknown);
    expect(result).toEqual(expected);
  });
});

describe('token calls', () => {
  it('grantToken sends GET /cgi-bin/token with the app credentials', async () => {
    const result = await client.grantToken();
    const req = onlyRequestTo('/cgi-bin/token');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({
      grant_type: 'client_credential',
      appid: 'wx-app',
      secret: 'wx-secret',
    });
    expect(result).toEqual({ access_token: 'token-1', expires_in: 7200 });
    expectTypeOf(result.access_token).toEqualTypeOf<string>();
  });

  it('getAccessToken grants once and then serves the cache', async () => {
    expect(await client.getAccessToken()).toBe('token-1');
    expect(await client.getAccessToken()).toBe('token-1');
    expect(api.tokenRequests()).toHaveLength(1);
  });
});

describe('media and file methods', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

  it('uploadMedia sends multipart field "media" with the file name and type (Buffer)', async () => {
    api.on('POST', '/cgi-bin/media/upload', {
      json: { type: 'image', media_id: 'MEDIA', created_at: 1 },
    });
    const result = await client.uploadMedia('image', jpeg, { filename: 'cat.jpg' });
    const req = onlyRequestTo('/cgi-bin/media/upload');
    expect(req.method).toBe('POST');
    expect(req.query).toEqual({ access_token: 'token-1', type: 'image' });
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.parts).toHaveLength(1);
    expect(req.parts![0]).toMatchObject({
      name: 'media',
      filename: 'cat.jpg',
      contentType: 'image/jpeg',
    });
    expect(req.parts![0]!.data.equals(jpeg)).toBe(true);
    expect(result).toEqual({ type: 'image', media_id: 'MEDIA', created_at: 1 });
  });

  it('uploadMedia accepts a path', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'zgrobot-'));
    const path = join(dir, '语音.mp3');
    await writeFile(path, Buffer.from('ID3-fake-mp3'));
    api.on('POST', '/cgi-bin/media/upload', {
      json: { type: 'voice', media_id: 'V', created_at: 2 },
    });
    await client.uploadMedia('voice', path);
    const part = onlyRequestTo('/cgi-bin/media/upload').parts![0]!;
    expect(part).toMatchObject({ name: 'media', filename: '语音.mp3', contentType: 'audio/mpeg' });
    expect(part.text).toBe('ID3-fake-mp3');
  });

  it('uploadMedia accepts a Blob/File and a readable stream', async () => {
    api.on('POST', '/cgi-bin/media/upload', {
      json: { type: 'thumb', thumb_media_id: 'T', created_at: 3 },
    });
    await client.uploadMedia('thumb', new File([jpeg], 'thumb.jpg', { type: 'image/jpeg' }));
    await client.uploadMedia('video', Readable.from([Buffer.from('mp4-'), Buffer.from('bytes')]), {
      filename: 'clip.mp4',
    });
    const [fromFile, fromStream] = api.requestsTo('/cgi-bin/media/upload');
    expect(fromFile!.query.type).toBe('thumb');
    expect(fromFile!.parts![0]).toMatchObject({
      name: 'media',
      filename: 'thumb.jpg',
      contentType: 'image/jpeg',
    });
    expect(fromStream!.query.type).toBe('video');
    expect(fromStream!.parts![0]).toMatchObject({
      name: 'media',
      filename: 'clip.mp4',
      contentType: 'video/mp4',
      text: 'mp4-bytes',
    });
  });

  it('uploadCustomServiceAccountAvatar posts the avatar with kf_account in the query', async () => {
    api.on('POST', '/customservice/kfaccount/uploadheadimg', { json: OK });
    const result = await client.uploadCustomServiceAccountAvatar('kf1@gh_test', jpeg, {
      filename: 'a.jpg',
    });
    const req = onlyRequestTo('/customservice/kfaccount/uploadheadimg');
    expect(req.method).toBe('POST');
    expect(req.query).toEqual({ access_token: 'token-1', kf_account: 'kf1@gh_test' });
    expect(req.parts![0]).toMatchObject({
      name: 'media',
      filename: 'a.jpg',
      contentType: 'image/jpeg',
    });
    expect(result).toEqual(OK);
  });

  it('uploadNewsPicture posts to /cgi-bin/media/uploadimg', async () => {
    api.on('POST', '/cgi-bin/media/uploadimg', { json: { url: 'http://mmbiz.qpic.cn/x' } });
    const result = await client.uploadNewsPicture(jpeg, {
      filename: 'in-article.png',
      contentType: 'image/png',
    });
    const req = onlyRequestTo('/cgi-bin/media/uploadimg');
    expect(req.query).toEqual({ access_token: 'token-1' });
    expect(req.parts![0]).toMatchObject({
      name: 'media',
      filename: 'in-article.png',
      contentType: 'image/png',
    });
    expect(result).toEqual({ url: 'http://mmbiz.qpic.cn/x' });
  });

  it('uploadPermanentMedia posts to add_material with the type', async () => {
    api.on('POST', '/cgi-bin/material/add_material', {
      json: { media_id: 'P', url: 'http://x/p.jpg' },
    });
    const result = await client.uploadPermanentMedia('image', jpeg, { filename: 'p.jpg' });
    const req = onlyRequestTo('/cgi-bin/material/add_material');
    expect(req.query).toEqual({ access_token: 'token-1', type: 'image' });
    expect(req.parts!.map((p) => p.name)).toEqual(['media']);
    expect(result).toEqual({ media_id: 'P', url: 'http://x/p.jpg' });
  });

  it('uploadPermanentVideo adds the description field', async () => {
    api.on('POST', '/cgi-bin/material/add_material', { json: { media_id: 'V' } });
    await client.uploadPermanentVideo('标题', '介绍', Buffer.from('mp4'), { filename: 'v.mp4' });
    const req = onlyRequestTo('/cgi-bin/material/add_material');
    expect(req.query).toEqual({ access_token: 'token-1', type: 'video' });
    const description = req.parts!.find((p) => p.name === 'description');
    expect(JSON.parse(description!.text)).toEqual({ title: '标题', introduction: '介绍' });
    expect(req.parts!.find((p) => p.name === 'media')).toMatchObject({
      filename: 'v.mp4',
      text: 'mp4',
    });
  });

  it('downloadMedia returns bytes, content type and file name', async () => {
    api.on('GET', '/cgi-bin/media/get', {
      body: jpeg,
      headers: {
        'content-type': 'image/jpeg',
        'content-disposition': 'attachment; filename="MEDIA.jpg"',
      },
    });
    const file = await client.downloadMedia('MEDIA');
    const req = onlyRequestTo('/cgi-bin/media/get');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ access_token: 'token-1', media_id: 'MEDIA' });
    expect(file.data.equals(jpeg)).toBe(true);
    expect(file.contentType).toBe('image/jpeg');
    expect(file.filename).toBe('MEDIA.jpg');
    expectTypeOf(file).toEqualTypeOf<MediaDownload>();
  });

  it('downloadMedia throws WeChatApiError on a JSON error body', async () => {
    api.on('GET', '/cgi-bin/media/get', {
      body: '{"errcode":40007,"errmsg":"invalid media_id"}',
      headers: { 'content-type': 'text/plain' },
    });
    await expect(client.downloadMedia('BAD')).rejects.toMatchObject({
      name: 'WeChatApiError',
      errcode: 40007,
      errmsg: 'invalid media_id',
      api: '/cgi-bin/media/get',
    });
  });

  it('downloadPermanentMedia posts the media id and returns the file', async () => {
    api.on('POST', '/cgi-bin/material/get_material', {
      body: jpeg,
      headers: {
        'content-type': 'image/jpeg',
        'content-disposition': "attachment; filename*=UTF-8''%E5%9B%BE.jpg",
      },
    });
    const file = await client.downloadPermanentMedia('P');
    const req = onlyRequestTo('/cgi-bin/material/get_material');
    expect(req.method).toBe('POST');
    expect(req.query).toEqual({ access_token: 'token-1' });
    expect(req.json).toEqual({ media_id: 'P' });
    expect(file).toEqual({ data: jpeg, contentType: 'image/jpeg', filename: '图.jpg' });
  });

  it('showQrcode fetches the image from the mp base URL without a token', async () => {
    api.on('GET', '/cgi-bin/showqrcode', { body: jpeg, headers: { 'content-type': 'image/jpg' } });
    const image = await client.showQrcode('gQH47joAAAAAAAAAASxodHRw+/=');
    const req = onlyRequestTo('/cgi-bin/showqrcode');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ ticket: 'gQH47joAAAAAAAAAASxodHRw+/=' });
    expect(image.data.equals(jpeg)).toBe(true);
    expect(image.contentType).toBe('image/jpg');
    expect(api.tokenRequests()).toHaveLength(0);
  });
});

describe('result types', () => {
  it('methods resolve to their declared types', async () => {
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    api.on('GET', '/cgi-bin/user/info', { json: { subscribe: 0, openid: 'O' } });
    api.on('POST', '/cgi-bin/message/mass/sendall', { json: { msg_id: 1 } });
    api.on('POST', '/cgi-bin/menu/create', { json: OK });
    expectTypeOf(await client.getMenu()).toEqualTypeOf<GetMenuResult>();
    expectTypeOf(await client.getUserInfo('O')).toEqualTypeOf<UserInfoResult>();
    const sent = await client.sendMassMsg('text', 'hi');
    expectTypeOf(sent).toEqualTypeOf<MassSendResult>();
    expectTypeOf(sent.msg_id).toEqualTypeOf<string>();
    expectTypeOf(await client.createMenu({ button: [] })).toEqualTypeOf<WeChatResult>();
  });
});

describe('coverage of the API surface', () => {
  it('every public method of Client is exercised by a test above', () => {
    const tested = new Set([
      ...cases.map((c) => c.name.split(' ')[0]!),
      'grantToken',
      'getAccessToken',
      'uploadMedia',
      'uploadCustomServiceAccountAvatar',
      'uploadNewsPicture',
      'uploadPermanentMedia',
      'uploadPermanentVideo',
      'downloadMedia',
      'downloadPermanentMedia',
      'showQrcode',
      'close',
      // Raw calls, web authorization, JS-SDK: tested in platform.test.ts.
      ...PLATFORM_METHODS,
    ]);
    const methods = new Set<string>();
    for (
      let proto = Client.prototype;
      proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name !== 'constructor') methods.add(name);
      }
    }
    // Protected helpers, not API methods.
    for (const helper of [
      'call',
      'callDownload',
      'withToken',
      'send',
      'readJson',
      'sendCustomMessage',
      'callUpload',
    ]) {
      methods.delete(helper);
    }
    const untested = [...methods].filter((m) => !tested.has(m)).sort();
    expect(untested).toEqual([]);
    expect(methods.size).toBeGreaterThanOrEqual(70);
  });
});
