import { XmlParseError } from '../errors.js';
import { parseXml } from '../messages/xml.js';

/** What every authorization event (授权事件) carries. */
export interface ComponentEventBase {
  /** The component's AppID (`AppId`). */
  componentAppId: string;
  /** When WeChat sent it, UNIX seconds (`CreateTime`). */
  createTime: number;
  /** Every text field of the decrypted XML, as sent. */
  fields: Readonly<Record<string, string>>;
}

/** The `component_verify_ticket` push, every 10 minutes. */
export interface ComponentVerifyTicketEvent extends ComponentEventBase {
  infoType: 'component_verify_ticket';
  /** `ComponentVerifyTicket`. */
  ticket: string;
}

/** 授权成功 / 授权更新: an account authorized the component, or changed what it granted. */
export interface AuthorizedEvent extends ComponentEventBase {
  infoType: 'authorized' | 'updateauthorized';
  /** The account's AppID (`AuthorizerAppid`). */
  authorizerAppId: string;
  /** For `Component.queryAuth` (`AuthorizationCode`). */
  authorizationCode: string;
  /** When the code expires, UNIX seconds (`AuthorizationCodeExpiredTime`). */
  expiredTime: number;
  /** The pre_auth_code the authorization was made with (`PreAuthCode`). */
  preAuthCode: string;
}

/** 授权更新: the account changed the permission sets it granted. */
export interface UpdateAuthorizedEvent extends AuthorizedEvent {
  infoType: 'updateauthorized';
}

/** 取消授权: the account withdrew the authorization. */
export interface UnauthorizedEvent extends ComponentEventBase {
  infoType: 'unauthorized';
  /** The account's AppID (`AuthorizerAppid`). */
  authorizerAppId: string;
}

/** Any other `InfoType` (fast registration results, …): its fields as sent. */
export interface OtherComponentEvent extends ComponentEventBase {
  infoType: 'other';
  /** The `InfoType` as sent. */
  type: string;
}

/** A decrypted authorization event. */
export type ComponentEvent =
  | ComponentVerifyTicketEvent
  | AuthorizedEvent
  | UnauthorizedEvent
  | OtherComponentEvent;

/**
 * Parses the decrypted XML of an authorization event (授权事件接收 URL) into a typed event.
 *
 * @throws {XmlParseError} when the XML is malformed or lacks a field its `InfoType` needs.
 * @example
 * ```ts
 * const event = parseComponentEvent(component.crypt.decryptMessage(params));
 * if (event.infoType === 'authorized') await component.queryAuth(event.authorizationCode);
 * ```
 */
export function parseComponentEvent(xml: string): ComponentEvent {
  const element = parseXml(xml);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(element)) {
    if (typeof value === 'string') fields[name] = value;
  }
  const required = (name: string): string => {
    const value = fields[name]?.trim();
    if (!value) throw new XmlParseError(`authorization event without ${name}`);
    return value;
  };
  const number = (name: string): number => {
    const text = required(name);
    if (!/^\d+$/.test(text))
      throw new XmlParseError(`authorization event: ${name} is not a number`);
    return Number(text);
  };
  const base = { componentAppId: required('AppId'), createTime: number('CreateTime'), fields };
  const infoType = required('InfoType');
  switch (infoType) {
    case 'component_verify_ticket':
      return { ...base, infoType, ticket: required('ComponentVerifyTicket') };
    case 'authorized':
    case 'updateauthorized':
      return {
        ...base,
        infoType,
        authorizerAppId: required('AuthorizerAppid'),
        authorizationCode: required('AuthorizationCode'),
        expiredTime: number('AuthorizationCodeExpiredTime'),
        preAuthCode: fields.PreAuthCode?.trim() ?? '',
      };
    case 'unauthorized':
      return { ...base, infoType, authorizerAppId: required('AuthorizerAppid') };
    default:
      return { ...base, infoType: 'other', type: infoType };
  }
}
