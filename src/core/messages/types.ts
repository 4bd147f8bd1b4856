import type { FieldsOf, PicListItem } from './fields.js';
import type { EventType, MessageKinds, MessageType } from './kinds.js';

export type { PicListItem };

/** An XML element's value as the parser gives it: text, a nested element, or repeats of either. */
export type XmlValue = string | XmlElement | XmlValue[];
/** A parsed XML element: child names to values. */
export interface XmlElement {
  [name: string]: XmlValue;
}

/** What every message and event has (PROTOCOL.md §3). */
export interface MessageBase<T extends MessageType = MessageType> {
  /** The kind, from the table of kinds: `'text'`, `'subscribe_event'`, `'unknown'`, … */
  readonly type: T;
  /** `MsgId` (`MsgID` for events) as a string: it is a 64-bit integer. `''` when absent. */
  messageId: string;
  /** `FromUserName`: the user's OpenID. */
  source: string;
  /** `ToUserName`: the official account's id. */
  target: string;
  /** `CreateTime` in UNIX seconds. */
  time: number;
  /** The XML text of the message (decrypted, when it came encrypted). */
  raw: string;
  /** Every element of the XML, parsed but not typed: for fields the table does not know. */
  fields: XmlElement;
}

/** The message of one kind, e.g. `MessageOf<'text'>` has `content: string`. */
export type MessageOf<T extends MessageType> = MessageBase<T> & FieldsOf<MessageKinds[T]['fields']>;

/** Any message or event WeChat sends: a discriminated union on `type`. */
export type AnyMessage = UnionOf<MessageType>;
/** Only the user messages (text, image, …, unknown). */
export type Message = UnionOf<Exclude<MessageType, EventType>>;
/** Only the events (`*_event`). */
export type Event = UnionOf<EventType>;

/** The union of the messages of several kinds, e.g. `UnionOf<'text' | 'location'>`. */
export type UnionOf<T extends MessageType> = { [K in T]: MessageOf<K> }[T];

export type TextMessage = MessageOf<'text'>;
export type ImageMessage = MessageOf<'image'>;
export type LinkMessage = MessageOf<'link'>;
export type LocationMessage = MessageOf<'location'>;
export type VoiceMessage = MessageOf<'voice'>;
export type VideoMessage = MessageOf<'video'>;
export type ShortVideoMessage = MessageOf<'shortvideo'>;
export type UnknownMessage = MessageOf<'unknown'>;
export type SubscribeEvent = MessageOf<'subscribe_event'>;
export type UnsubscribeEvent = MessageOf<'unsubscribe_event'>;
export type ScanEvent = MessageOf<'scan_event'>;
export type ClickEvent = MessageOf<'click_event'>;
export type ViewEvent = MessageOf<'view_event'>;
export type ScanCodePushEvent = MessageOf<'scancode_push_event'>;
export type ScanCodeWaitMsgEvent = MessageOf<'scancode_waitmsg_event'>;
export type PicSysphotoEvent = MessageOf<'pic_sysphoto_event'>;
export type PicPhotoOrAlbumEvent = MessageOf<'pic_photo_or_album_event'>;
export type PicWeixinEvent = MessageOf<'pic_weixin_event'>;
export type LocationSelectEvent = MessageOf<'location_select_event'>;
export type LocationEvent = MessageOf<'location_event'>;
export type TemplateSendJobFinishEvent = MessageOf<'templatesendjobfinish_event'>;
export type UserScanProductEvent = MessageOf<'user_scan_product_event'>;
export type UserScanProductEnterSessionEvent = MessageOf<'user_scan_product_enter_session_event'>;
export type UserScanProductAsyncEvent = MessageOf<'user_scan_product_async_event'>;
export type UserScanProductVerifyActionEvent = MessageOf<'user_scan_product_verify_action_event'>;
export type CardPassCheckEvent = MessageOf<'card_pass_check_event'>;
export type CardNotPassCheckEvent = MessageOf<'card_not_pass_check_event'>;
export type UserGetCardEvent = MessageOf<'user_get_card_event'>;
export type UserGiftingCardEvent = MessageOf<'user_gifting_card_event'>;
export type UserDelCardEvent = MessageOf<'user_del_card_event'>;
export type UserConsumeCardEvent = MessageOf<'user_consume_card_event'>;
export type UserPayFromPayCellEvent = MessageOf<'user_pay_from_pay_cell_event'>;
export type UserViewCardEvent = MessageOf<'user_view_card_event'>;
export type UserEnterSessionFromCardEvent = MessageOf<'user_enter_session_from_card_event'>;
export type UpdateMemberCardEvent = MessageOf<'update_member_card_event'>;
export type CardSkuRemindEvent = MessageOf<'card_sku_remind_event'>;
export type CardPayOrderEvent = MessageOf<'card_pay_order_event'>;
export type SubmitMembercardUserInfoEvent = MessageOf<'submit_membercard_user_info_event'>;
export type UnknownEvent = MessageOf<'unknown_event'>;
export type SubscribeMsgPopupEvent = MessageOf<'subscribe_msg_popup_event_event'>;
export type SubscribeMsgChangeEvent = MessageOf<'subscribe_msg_change_event_event'>;
export type SubscribeMsgSentEvent = MessageOf<'subscribe_msg_sent_event_event'>;
export type KfCreateSessionEvent = MessageOf<'kf_create_session_event'>;
export type KfCloseSessionEvent = MessageOf<'kf_close_session_event'>;
export type KfSwitchSessionEvent = MessageOf<'kf_switch_session_event'>;
export type MassSendJobFinishEvent = MessageOf<'masssendjobfinish_event'>;
export type PublishJobFinishEvent = MessageOf<'publishjobfinish_event'>;
export type ViewMiniprogramEvent = MessageOf<'view_miniprogram_event'>;
export type QualificationVerifySuccessEvent = MessageOf<'qualification_verify_success_event'>;
export type QualificationVerifyFailEvent = MessageOf<'qualification_verify_fail_event'>;
export type NamingVerifySuccessEvent = MessageOf<'naming_verify_success_event'>;
export type NamingVerifyFailEvent = MessageOf<'naming_verify_fail_event'>;
export type AnnualRenewEvent = MessageOf<'annual_renew_event'>;
export type VerifyExpiredEvent = MessageOf<'verify_expired_event'>;
/** One template of a `subscribe_msg_popup_event`: what the user chose for it. */
export type SubscribeMsgPopupItem = SubscribeMsgPopupEvent['list'][number];
/** One template of a `subscribe_msg_change_event`. */
export type SubscribeMsgChangeItem = SubscribeMsgChangeEvent['list'][number];
/** One notification of a `subscribe_msg_sent_event`: its id and how sending it went. */
export type SubscribeMsgSentItem = SubscribeMsgSentEvent['list'][number];
/** One article's originality check in a `MASSSENDJOBFINISH` event. */
export type CopyrightCheckResultItem = MassSendJobFinishEvent['copyrightCheckResults'][number];
