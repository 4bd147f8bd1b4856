/**
 * The WeChat API client. See {@link Client}.
 * @module
 */
export type { IpListResult, QrcodeRequest, QrcodeResult } from './account.js';
export { Client } from './client.js';
export type {
  AccessTokenResult,
  CallOptions,
  ClientBaseOptions,
  ClientOptions,
  JsonBody,
  Query,
  UploadCallOptions,
  WeChatResult,
} from './core.js';
export type {
  KfAccount,
  KfListResult,
  OnlineKfAccount,
  OnlineKfListResult,
} from './custom-service.js';
export {
  WeChatApiError,
  WeChatNetworkError,
  WeChatResponseError,
  WeChatResponseTooLargeError,
  WeChatTimeoutError,
} from './errors.js';
export type { BigId } from './json.js';
export {
  type CardExt,
  type CardExtRequest,
  cardSignature,
  type JssdkConfig,
  type JssdkConfigRequest,
  type JssdkSignatureInput,
  jssdkSignature,
} from './jssdk.js';
export type {
  MassMessageType,
  MassPreviewResult,
  MassSendResult,
  MassSpeedResult,
  MassStatusResult,
} from './mass.js';
export type {
  AddNewsResult,
  MaterialItem,
  MaterialType,
  MediaCountResult,
  MediaListResult,
  UpdateNewsRequest,
  UploadMaterialResult,
} from './material.js';
export type { MediaDownload, MediaInput, MediaUploadOptions } from './media.js';
export type {
  MediaType,
  NewsArticle,
  UploadImageResult,
  UploadMediaResult,
  UploadNewsResult,
  UploadOptions,
} from './media-methods.js';
export type {
  CreateCustomMenuResult,
  CustomMenuConfigResult,
  GetMenuResult,
  MatchCustomMenuResult,
  Menu,
  MenuButton,
  MenuMatchRule,
  SelfMenuButton,
} from './menu.js';
export type { CustomArticle } from './message.js';
export type {
  OAuthAccessToken,
  OAuthAuthorizeUrlOptions,
  OAuthRefreshToken,
  OAuthScope,
  OAuthToken,
  OAuthUserInfo,
} from './oauth.js';
// Issue 11: subscription messages, sessions, blacklist, short keys, data, comments.
export type * from './platform-types.js';
export type {
  AddDraftResult,
  ArticleItem,
  DraftArticle,
  DraftCountResult,
  DraftListResult,
  NewsItemResult,
  PublishedListResult,
  PublishStatusResult,
  SubmitPublishResult,
} from './publish.js';
export type { RawCallOptions, RawDownloadOptions, RawUploadOptions } from './raw.js';
export {
  type RedisTokenClient,
  RedisTokenStore,
  type RedisTokenStoreOptions,
} from './redis-token-store.js';
export type {
  CreateTagResult,
  GetTagsResult,
  TagsByUserResult,
  UsersByTagResult,
  UserTag,
} from './tag.js';
export type {
  TemplateDataItem,
  TemplateMiniprogram,
  TemplateSendResult,
} from './template.js';
export type { TicketResult, TicketType } from './ticket.js';
export { type GrantedToken, TOKEN_EXPIRY_MARGIN_MS } from './token.js';
export { MemoryTokenStore, type StoredToken, type TokenStore } from './token-store.js';
export type { TransportOptions } from './transport.js';
export type {
  CreateGroupResult,
  FollowersResult,
  GetGroupByIdResult,
  GetGroupsResult,
  UserGroup,
  UserInfo,
  UserInfoLang,
  UserInfoResult,
  UsersInfoResult,
} from './user.js';
