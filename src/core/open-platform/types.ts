import type { WeChatResult } from '../client/core.js';

/**
 * 授权链接要展示的帐号类型。Which accounts the authorization page offers: `1` Official Accounts
 * only, `2` Mini Programs only, `3` both (WeChat's default), `4` mini shops, `5` Channels
 * shops, `6` both of those.
 */
export type ComponentAuthType = 1 | 2 | 3 | 4 | 5 | 6;

/** Options of `Component.authorizationUrl` and `Component.mobileAuthorizationUrl`. */
export interface AuthorizationUrlOptions {
  /** 授权后跳回的地址。The absolute URL WeChat sends the account's admin back to, with `auth_code`. */
  redirectUri: string;
  /** A pre_auth_code from `createPreAuthCode()`; one is created when left out. */
  preAuthCode?: string;
  /** Which accounts the page offers; WeChat's default (both) when left out. */
  authType?: ComponentAuthType;
  /** Only this account may authorize (its AppID). */
  bizAppId?: string;
}

/** What `api_component_token` answers. */
export interface ComponentAccessTokenResult extends WeChatResult {
  component_access_token: string;
  /** Lifetime in seconds (7200 today). */
  expires_in: number;
}

/** What `api_create_preauthcode` answers. */
export interface PreAuthCodeResult extends WeChatResult {
  /** Valid for one authorization, 10 minutes (`expires_in`). */
  pre_auth_code: string;
  expires_in: number;
}

/** One permission set (权限集) the account granted. */
export interface FuncInfo {
  funcscope_category: { id: number };
  confirm_info?: { need_confirm: number; already_confirm: number; can_confirm: number };
}

/** The authorization an account gave, as `api_query_auth` answers it. */
export interface AuthorizationInfo {
  authorizer_appid: string;
  authorizer_access_token: string;
  /** Lifetime of `authorizer_access_token`, in seconds. */
  expires_in: number;
  authorizer_refresh_token: string;
  func_info: FuncInfo[];
}

/** What `api_query_auth` answers. */
export interface QueryAuthResult extends WeChatResult {
  authorization_info: AuthorizationInfo;
}

/** What `api_authorizer_token` answers. */
export interface AuthorizerTokenResult extends WeChatResult {
  authorizer_access_token: string;
  expires_in: number;
  /** May differ from the one sent: the component keeps the new one. */
  authorizer_refresh_token: string;
}

/** An authorized account's public profile, as `api_get_authorizer_info` answers it. */
export interface AuthorizerInfo {
  nick_name: string;
  head_img?: string;
  /** 0 subscription account, 1 upgraded, 2 service account (for Official Accounts). */
  service_type_info: { id: number };
  /** -1 not verified, 0 verified by WeChat, … */
  verify_type_info: { id: number };
  /** The original ID (`gh_…`): the `ToUserName` of its messages. */
  user_name: string;
  principal_name?: string;
  alias?: string;
  qrcode_url?: string;
  signature?: string;
  business_info?: Record<string, number>;
  /** Present for Mini Programs. */
  MiniProgramInfo?: Record<string, unknown>;
}

/** What `api_get_authorizer_info` answers. */
export interface AuthorizerInfoResult extends WeChatResult {
  authorizer_info: AuthorizerInfo;
  authorization_info: {
    authorizer_appid: string;
    authorizer_refresh_token?: string;
    func_info: FuncInfo[];
  };
}

/** What `api_get_authorizer_option` answers. */
export interface AuthorizerOptionResult extends WeChatResult {
  authorizer_appid: string;
  option_name: string;
  option_value: string;
}

/** One account in `api_get_authorizer_list`. */
export interface AuthorizerListItem {
  authorizer_appid: string;
  refresh_token: string;
  /** UNIX seconds. */
  auth_time: number;
}

/** What `api_get_authorizer_list` answers. */
export interface AuthorizerListResult extends WeChatResult {
  total_count: number;
  list: AuthorizerListItem[];
}
