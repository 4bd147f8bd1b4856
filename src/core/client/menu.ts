import type { ApiCaller, CallOptions, WeChatResult } from './core.js';

/** A menu button: a leaf with an action, or a parent with up to 5 `sub_button`s. */
export interface MenuButton {
  /** `click`, `view`, `scancode_push`, `scancode_waitmsg`, `pic_sysphoto`, `pic_photo_or_album`,
   * `pic_weixin`, `location_select`, `media_id`, `article_id`, `article_view_limited`,
   * `miniprogram`; absent on a parent button. */
  type?: string;
  /** Label, at most 16 bytes for a top-level button and 60 for a sub button. */
  name: string;
  /** Event key of `click` and the scan/picture/location types. */
  key?: string;
  /** Page of a `view` button (and the fallback of `miniprogram`). */
  url?: string;
  /** Material of `media_id`/`view_limited`. */
  media_id?: string;
  /** Published article of `article_id`/`article_view_limited`. */
  article_id?: string;
  /** Mini program of a `miniprogram` button. */
  appid?: string;
  /** Page of the mini program. */
  pagepath?: string;
  /** Children of a parent button. */
  sub_button?: MenuButton[];
}

/** A whole menu: 1 to 3 top-level buttons. */
export interface Menu {
  button: MenuButton[];
}

/** Who sees a personalised (conditional) menu. Every field is optional. */
export interface MenuMatchRule {
  /** User tag id (WeRoBot's `group_id`; tags replaced groups). */
  tag_id?: string;
  /** @deprecated WeChat replaced groups with tags: use `tag_id`. */
  group_id?: string;
  sex?: string;
  country?: string;
  province?: string;
  city?: string;
  /** 1 iOS, 2 Android, 3 others. */
  client_platform_type?: string;
  language?: string;
}

/** What `getMenu` returns. */
export interface GetMenuResult extends WeChatResult {
  menu: Menu & { menuid?: string };
  conditionalmenu?: Array<Menu & { matchrule: MenuMatchRule; menuid: string }>;
}

/** What `createCustomMenu` returns. */
export interface CreateCustomMenuResult extends WeChatResult {
  menuid: string;
}

/** What `matchCustomMenu` returns: the menu the user would see. */
export interface MatchCustomMenuResult extends WeChatResult {
  button: MenuButton[];
  menuid?: string;
}

/** A button as `getCustomMenuConfig` describes it (sub buttons wrapped in `{ list }`). */
export interface SelfMenuButton extends Omit<MenuButton, 'sub_button'> {
  value?: string;
  news_info?: { list: Array<Record<string, string | number>> };
  sub_button?: { list: SelfMenuButton[] };
}

/** What `getCustomMenuConfig` (`get_current_selfmenu_info`) returns. */
export interface CustomMenuConfigResult extends WeChatResult {
  /** 1 when a menu is on, 0 when not. */
  is_menu_open: number;
  selfmenu_info?: { button: SelfMenuButton[] };
}

/** Custom menu APIs. */
export class MenuApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Create (replace) the custom menu. `POST /cgi-bin/menu/create`.
   *
   * @example
   * ```ts
   * await client.createMenu({ button: [{ type: 'click', name: '今日歌曲', key: 'music' }] });
   * ```
   */
  createMenu(menu: Menu, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/menu/create',
      body: { ...menu },
      ...options,
    });
  }

  /** Read the menu (and personalised menus). `GET /cgi-bin/menu/get`. */
  getMenu(options?: CallOptions): Promise<GetMenuResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/menu/get', ...options });
  }

  /** Delete the menu, personalised menus included. `GET /cgi-bin/menu/delete`. */
  deleteMenu(options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/menu/delete', ...options });
  }

  /**
   * Create a personalised menu shown to users matching `matchRule`.
   * `POST /cgi-bin/menu/addconditional`.
   */
  createCustomMenu(
    buttons: MenuButton[],
    matchRule: MenuMatchRule,
    options?: CallOptions,
  ): Promise<CreateCustomMenuResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/menu/addconditional',
      body: { button: buttons, matchrule: matchRule },
      ...options,
    });
  }

  /** Delete a personalised menu. `POST /cgi-bin/menu/delconditional`. */
  deleteCustomMenu(menuId: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/menu/delconditional',
      body: { menuid: menuId },
      ...options,
    });
  }

  /**
   * Which menu a user sees. `POST /cgi-bin/menu/trymatch`.
   * @param userId - an OpenID or a WeChat ID.
   */
  matchCustomMenu(userId: string, options?: CallOptions): Promise<MatchCustomMenuResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/menu/trymatch',
      body: { user_id: userId },
      ...options,
    });
  }

  /** The menu as currently configured, API- or website-made. `GET /cgi-bin/get_current_selfmenu_info`. */
  getCustomMenuConfig(options?: CallOptions): Promise<CustomMenuConfigResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/get_current_selfmenu_info',
      ...options,
    });
  }
}
