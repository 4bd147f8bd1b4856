import { float, int, list, opt, picList, str } from './fields.js';

/**
 * The one table of message and event kinds (PROTOCOL.md §3). Each row gives the `type` a parsed
 * message carries, the router method that handles it, and its fields. Adding a WeChat event is
 * one row here: the parser, the `Message` union and the router methods all follow.
 *
 * `msgType` rows are matched on `<MsgType>`; `event` rows on `<MsgType>event</MsgType>` plus the
 * lower-cased `<Event>`.
 */
export const MESSAGE_KINDS = {
  text: { msgType: 'text', method: 'text', fields: { content: str('Content') } },
  image: {
    msgType: 'image',
    method: 'image',
    fields: { img: str('PicUrl'), mediaId: str('MediaId') },
  },
  link: {
    msgType: 'link',
    method: 'link',
    fields: { title: str('Title'), description: str('Description'), url: str('Url') },
  },
  location: {
    msgType: 'location',
    method: 'location',
    fields: {
      locationX: float('Location_X'),
      locationY: float('Location_Y'),
      scale: int('Scale'),
      label: str('Label'),
    },
  },
  voice: {
    msgType: 'voice',
    method: 'voice',
    fields: {
      mediaId: str('MediaId'),
      format: str('Format'),
      recognition: opt(str('Recognition')),
    },
  },
  video: {
    msgType: 'video',
    method: 'video',
    fields: { mediaId: str('MediaId'), thumbMediaId: str('ThumbMediaId') },
  },
  shortvideo: {
    msgType: 'shortvideo',
    method: 'shortvideo',
    fields: { mediaId: str('MediaId'), thumbMediaId: str('ThumbMediaId') },
  },
  unknown: { msgType: null, method: 'unknown', fields: {} },

  subscribe_event: {
    event: 'subscribe',
    method: 'subscribe',
    fields: { key: opt(str('EventKey')), ticket: opt(str('Ticket')) },
  },
  unsubscribe_event: { event: 'unsubscribe', method: 'unsubscribe', fields: {} },
  scan_event: {
    event: 'scan',
    method: 'scan',
    fields: { key: str('EventKey'), ticket: str('Ticket') },
  },
  click_event: { event: 'click', method: 'click', fields: { key: str('EventKey') } },
  view_event: { event: 'view', method: 'view', fields: { key: str('EventKey') } },
  scancode_push_event: {
    event: 'scancode_push',
    method: 'scancodePush',
    fields: {
      key: str('EventKey'),
      scanType: str('ScanCodeInfo.ScanType'),
      scanResult: str('ScanCodeInfo.ScanResult'),
    },
  },
  scancode_waitmsg_event: {
    event: 'scancode_waitmsg',
    method: 'scancodeWaitmsg',
    fields: {
      key: str('EventKey'),
      scanType: str('ScanCodeInfo.ScanType'),
      scanResult: str('ScanCodeInfo.ScanResult'),
    },
  },
  pic_sysphoto_event: {
    event: 'pic_sysphoto',
    method: 'picSysphoto',
    fields: {
      key: str('EventKey'),
      count: int('SendPicsInfo.Count'),
      picList: picList('SendPicsInfo.PicList'),
    },
  },
  pic_photo_or_album_event: {
    event: 'pic_photo_or_album',
    method: 'picPhotoOrAlbum',
    fields: {
      key: str('EventKey'),
      count: int('SendPicsInfo.Count'),
      picList: picList('SendPicsInfo.PicList'),
    },
  },
  pic_weixin_event: {
    event: 'pic_weixin',
    method: 'picWeixin',
    fields: {
      key: str('EventKey'),
      count: int('SendPicsInfo.Count'),
      picList: picList('SendPicsInfo.PicList'),
    },
  },
  location_select_event: {
    event: 'location_select',
    method: 'locationSelect',
    fields: {
      key: str('EventKey'),
      locationX: float('SendLocationInfo.Location_X'),
      locationY: float('SendLocationInfo.Location_Y'),
      scale: int('SendLocationInfo.Scale'),
      label: str('SendLocationInfo.Label'),
      poiName: opt(str('SendLocationInfo.Poiname')),
    },
  },
  location_event: {
    event: 'location',
    method: 'locationEvent',
    fields: {
      latitude: float('Latitude'),
      longitude: float('Longitude'),
      precision: float('Precision'),
    },
  },
  templatesendjobfinish_event: {
    event: 'templatesendjobfinish',
    method: 'templatesendjobfinishEvent',
    fields: { status: str('Status') },
  },
  user_scan_product_event: {
    event: 'user_scan_product',
    method: 'userScanProduct',
    fields: {
      keyStandard: str('KeyStandard'),
      keyStr: str('KeyStr'),
      extInfo: opt(str('ExtInfo')),
      country: opt(str('Country')),
      province: opt(str('Province')),
      city: opt(str('City')),
      sex: opt(int('Sex')),
      scene: opt(int('Scene')),
    },
  },
  user_scan_product_enter_session_event: {
    event: 'user_scan_product_enter_session',
    method: 'userScanProductEnterSession',
    fields: {
      keyStandard: str('KeyStandard'),
      keyStr: str('KeyStr'),
      extInfo: opt(str('ExtInfo')),
    },
  },
  user_scan_product_async_event: {
    event: 'user_scan_product_async',
    method: 'userScanProductAsync',
    fields: {
      keyStandard: str('KeyStandard'),
      keyStr: str('KeyStr'),
      extInfo: opt(str('ExtInfo')),
      regionCode: opt(str('RegionCode')),
    },
  },
  user_scan_product_verify_action_event: {
    event: 'user_scan_product_verify_action',
    method: 'userScanProductVerifyAction',
    fields: {
      keyStandard: str('KeyStandard'),
      keyStr: str('KeyStr'),
      result: str('Result'),
      reasonMsg: opt(str('ReasonMsg')),
    },
  },
  card_pass_check_event: {
    event: 'card_pass_check',
    method: 'cardPassCheck',
    fields: { cardId: str('CardId'), refuseReason: opt(str('RefuseReason')) },
  },
  card_not_pass_check_event: {
    event: 'card_not_pass_check',
    method: 'cardNotPassCheck',
    fields: { cardId: str('CardId'), refuseReason: opt(str('RefuseReason')) },
  },
  user_get_card_event: {
    event: 'user_get_card',
    method: 'userGetCard',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      isGiveByFriend: opt(int('IsGiveByFriend')),
      friendUserName: opt(str('FriendUserName')),
      outerId: opt(int('OuterId')),
      oldUserCardCode: opt(str('OldUserCardCode')),
      outerStr: opt(str('OuterStr')),
      isRestoreMemberCard: opt(int('IsRestoreMemberCard')),
      isRecommendByFriend: opt(int('IsRecommendByFriend')),
    },
  },
  user_gifting_card_event: {
    event: 'user_gifting_card',
    method: 'userGiftingCard',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      isReturnBack: opt(int('IsReturnBack')),
      friendUserName: opt(str('FriendUserName')),
      isChatRoom: opt(int('IsChatRoom')),
    },
  },
  user_del_card_event: {
    event: 'user_del_card',
    method: 'userDelCard',
    fields: { cardId: str('CardId'), userCardCode: str('UserCardCode') },
  },
  user_consume_card_event: {
    event: 'user_consume_card',
    method: 'userConsumeCard',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      consumeSource: opt(str('ConsumeSource')),
      locationName: opt(str('LocationName')),
      staffOpenId: opt(str('StaffOpenId')),
      verifyCode: opt(str('VerifyCode')),
      remarkAmount: opt(str('RemarkAmount')),
      outerStr: opt(str('OuterStr')),
    },
  },
  user_pay_from_pay_cell_event: {
    event: 'user_pay_from_pay_cell',
    method: 'userPayFromPayCell',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      transId: opt(str('TransId')),
      locationId: opt(int('LocationId')),
      fee: opt(str('Fee')),
      originalFee: opt(str('OriginalFee')),
    },
  },
  user_view_card_event: {
    event: 'user_view_card',
    method: 'userViewCard',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      outerStr: opt(str('OuterStr')),
    },
  },
  user_enter_session_from_card_event: {
    event: 'user_enter_session_from_card',
    method: 'userEnterSessionFromCard',
    fields: { cardId: str('CardId'), userCardCode: str('UserCardCode') },
  },
  update_member_card_event: {
    event: 'update_member_card',
    method: 'updateMemberCard',
    fields: {
      cardId: str('CardId'),
      userCardCode: str('UserCardCode'),
      modifyBonus: opt(int('ModifyBonus')),
      modifyBalance: opt(int('ModifyBalance')),
    },
  },
  card_sku_remind_event: {
    event: 'card_sku_remind',
    method: 'cardSkuRemind',
    fields: { cardId: str('CardId'), detail: opt(str('Detail')) },
  },
  card_pay_order_event: {
    event: 'card_pay_order',
    method: 'cardPayOrder',
    fields: {
      // WeRoBot's CardPayOrderEvent has card_id and user_card_code; WeChat may leave them out.
      cardId: opt(str('CardId')),
      userCardCode: opt(str('UserCardCode')),
      orderId: str('OrderId'),
      status: opt(str('Status')),
      createOrderTime: opt(int('CreateOrderTime')),
      payFinishTime: opt(int('PayFinishTime')),
      desc: opt(str('Desc')),
      freeCoinCount: opt(str('FreeCoinCount')),
      payCoinCount: opt(str('PayCoinCount')),
      refundFreeCoinCount: opt(str('RefundFreeCoinCount')),
      refundPayCoinCount: opt(str('RefundPayCoinCount')),
      orderType: opt(str('OrderType')),
      memo: opt(str('Memo')),
      receiptInfo: opt(str('ReceiptInfo')),
    },
  },
  submit_membercard_user_info_event: {
    event: 'submit_membercard_user_info',
    method: 'submitMembercardUserInfo',
    fields: { cardId: str('CardId'), userCardCode: str('UserCardCode') },
  },
  // 订阅通知 (subscription messages). Each `List` may come once or repeated: always an array.
  subscribe_msg_popup_event_event: {
    event: 'subscribe_msg_popup_event',
    method: 'subscribeMsgPopup',
    fields: {
      list: list('SubscribeMsgPopupEvent.List', {
        templateId: str('TemplateId'),
        subscribeStatusString: str('SubscribeStatusString'),
        popupScene: opt(int('PopupScene')),
      }),
    },
  },
  subscribe_msg_change_event_event: {
    event: 'subscribe_msg_change_event',
    method: 'subscribeMsgChange',
    fields: {
      // WeChat's own sample of this event wraps the list in <SubscribeMsgPopupEvent>.
      list: list(
        'SubscribeMsgChangeEvent.List',
        { templateId: str('TemplateId'), subscribeStatusString: str('SubscribeStatusString') },
        { or: 'SubscribeMsgPopupEvent.List' },
      ),
    },
  },
  subscribe_msg_sent_event_event: {
    event: 'subscribe_msg_sent_event',
    method: 'subscribeMsgSent',
    fields: {
      list: list('SubscribeMsgSentEvent.List', {
        templateId: str('TemplateId'),
        // A 64-bit id: kept as a string.
        msgId: str('MsgID'),
        errorCode: int('ErrorCode'),
        errorStatus: str('ErrorStatus'),
      }),
    },
  },

  // 客服会话 (customer-service sessions).
  kf_create_session_event: {
    event: 'kf_create_session',
    method: 'kfCreateSession',
    fields: { kfAccount: str('KfAccount') },
  },
  kf_close_session_event: {
    event: 'kf_close_session',
    method: 'kfCloseSession',
    fields: { kfAccount: str('KfAccount') },
  },
  kf_switch_session_event: {
    event: 'kf_switch_session',
    method: 'kfSwitchSession',
    fields: { fromKfAccount: str('FromKfAccount'), toKfAccount: str('ToKfAccount') },
  },

  // Mass sending and publishing results. The mass job's id (`MsgID`) is the message's `messageId`.
  masssendjobfinish_event: {
    event: 'masssendjobfinish',
    method: 'massSendJobFinish',
    fields: {
      status: str('Status'),
      totalCount: int('TotalCount'),
      filterCount: int('FilterCount'),
      sentCount: int('SentCount'),
      errorCount: int('ErrorCount'),
      copyrightCheckCount: opt(int('CopyrightCheckResult.Count')),
      copyrightCheckState: opt(int('CopyrightCheckResult.CheckState')),
      copyrightCheckResults: list('CopyrightCheckResult.ResultList.item', {
        articleIdx: int('ArticleIdx'),
        userDeclareState: int('UserDeclareState'),
        auditState: int('AuditState'),
        originalArticleUrl: str('OriginalArticleUrl'),
        originalArticleType: int('OriginalArticleType'),
        canReprint: int('CanReprint'),
        needReplaceContent: int('NeedReplaceContent'),
        needShowReprintSource: int('NeedShowReprintSource'),
      }),
      articleUrlCount: opt(int('ArticleUrlResult.Count')),
      articleUrls: list('ArticleUrlResult.ResultList.item', {
        articleIdx: int('ArticleIdx'),
        articleUrl: str('ArticleUrl'),
      }),
    },
  },
  publishjobfinish_event: {
    event: 'publishjobfinish',
    method: 'publishJobFinish',
    fields: {
      // A 64-bit id: kept as a string.
      publishId: str('PublishEventInfo.publish_id'),
      publishStatus: int('PublishEventInfo.publish_status'),
      articleId: opt(str('PublishEventInfo.article_id')),
      articleCount: opt(int('PublishEventInfo.article_detail.count')),
      articles: list('PublishEventInfo.article_detail.item', {
        idx: int('idx'),
        articleUrl: str('article_url'),
      }),
      failIdx: list('PublishEventInfo.fail_idx', 'int'),
    },
  },
  view_miniprogram_event: {
    event: 'view_miniprogram',
    method: 'viewMiniprogram',
    // EventKey is the mini program page's path.
    fields: { key: str('EventKey'), menuId: opt(str('MenuId')) },
  },

  // 微信认证 (verification) results.
  qualification_verify_success_event: {
    event: 'qualification_verify_success',
    method: 'qualificationVerifySuccess',
    fields: { expiredTime: int('ExpiredTime') },
  },
  qualification_verify_fail_event: {
    event: 'qualification_verify_fail',
    method: 'qualificationVerifyFail',
    fields: { failTime: int('FailTime'), failReason: str('FailReason') },
  },
  naming_verify_success_event: {
    event: 'naming_verify_success',
    method: 'namingVerifySuccess',
    fields: { expiredTime: int('ExpiredTime') },
  },
  naming_verify_fail_event: {
    event: 'naming_verify_fail',
    method: 'namingVerifyFail',
    fields: { failTime: int('FailTime'), failReason: str('FailReason') },
  },
  annual_renew_event: {
    event: 'annual_renew',
    method: 'annualRenew',
    fields: { expiredTime: int('ExpiredTime') },
  },
  verify_expired_event: {
    event: 'verify_expired',
    method: 'verifyExpired',
    fields: { expiredTime: int('ExpiredTime') },
  },
  unknown_event: { event: null, method: 'unknownEvent', fields: {} },
} as const;

/** The table's type, for deriving the rest. */
export type MessageKinds = typeof MESSAGE_KINDS;
/** Every `type` a parsed message can have: `'text'`, …, `'subscribe_event'`, …, `'unknown_event'`. */
export type MessageType = keyof MessageKinds;
/** Every router method generated from the table: `'text'`, …, `'subscribe'`, `'scancodePush'`, … */
export type RouteMethodName = MessageKinds[MessageType]['method'];
/** The message types that are events (their `type` ends in `_event`). */
export type EventType = Extract<MessageType, `${string}_event`>;

/** All message types, in table order. */
export const MESSAGE_TYPES = Object.keys(MESSAGE_KINDS) as MessageType[];

/** Whether `value` names a message type; used to reject a misspelt route at registration. */
export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.hasOwn(MESSAGE_KINDS, value);
}

// Built once from the table: `<MsgType>` and lower-cased `<Event>` to the message type.
const BY_MSG_TYPE = new Map<string, MessageType>();
const BY_EVENT = new Map<string, MessageType>();
for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, object][]) {
  if ('msgType' in row && typeof row.msgType === 'string') BY_MSG_TYPE.set(row.msgType, type);
  if ('event' in row && typeof row.event === 'string') BY_EVENT.set(row.event, type);
}

/**
 * The message type of a `<MsgType>` and, for `event`, its `<Event>` (both case-insensitive):
 * `'unknown'` or `'unknown_event'` for values the table does not know.
 *
 * @example
 * ```ts
 * messageTypeOf('event', 'CLICK'); // 'click_event'
 * messageTypeOf('text');           // 'text'
 * ```
 */
export function messageTypeOf(msgType: string, event = ''): MessageType {
  const kind = msgType.trim().toLowerCase();
  if (kind !== 'event') return BY_MSG_TYPE.get(kind) ?? 'unknown';
  return BY_EVENT.get(event.trim().toLowerCase()) ?? 'unknown_event';
}
