// One simulated user's chat with the account: a phone-width WeChat conversation, its input bar,
// the "+" tools, the account's menu, and the replies as WeChat shows them.
import { clock, h } from './dom.js';
import { type FormField, kindForm, picturePicker } from './forms.js';
import { type Shown, shownCustom, shownElement, templateCard } from './render.js';
import type { Exchange, Menu, MenuButton, MessageType, PlaygroundConfig } from './types.js';

/** What a phone needs from the page. */
export interface PhoneHost {
  readonly config: PlaygroundConfig;
  send(user: string, kind: MessageType, fields: Record<string, unknown>): Promise<Exchange>;
  inspect(exchange: Exchange): void;
}

let mediaCount = 0;
const mediaId = (what: string) => `playground_${what}_${++mediaCount}`;
const num = (value: string | undefined) => Number(value ?? '');

/** A fake 32-hex MD5 for a picture URL (WeChat sends the picture's MD5 in SendPicsInfo). */
function md5ish(text: string): string {
  let a = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 4; round++) {
    for (const char of `${round}${text}`) a = Math.imul(a ^ char.charCodeAt(0), 0x01000193) >>> 0;
    out += a.toString(16).padStart(8, '0');
  }
  return out;
}

export class Phone {
  readonly user: string;
  readonly element: HTMLElement;
  readonly #host: PhoneHost;
  readonly #chat: HTMLElement;
  readonly #typing: HTMLElement;
  readonly #follow: HTMLButtonElement;
  readonly #bottom: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #panel: HTMLElement;
  #menu: Menu | null = null;
  #showMenu = true;
  #followed = false;

  constructor(user: string, host: PhoneHost) {
    this.user = user;
    this.#host = host;
    this.#chat = h('div', { class: 'chat' });
    this.#typing = h('div', { class: 'typing', hidden: true }, '对方正在输入… typing');
    this.#follow = h('button', { type: 'button', class: 'follow' }, '关注 Follow');
    this.#follow.addEventListener('click', () => void this.#toggleFollow());
    this.#input = h('input', {
      class: 'text-input',
      placeholder: '发消息 Message',
      'aria-label': 'message',
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.#sendText();
    });
    this.#bottom = h('div', { class: 'bottom' });
    this.#panel = h('div', { class: 'panel', hidden: true });
    this.element = h(
      'article',
      { class: 'phone', 'data-user': user },
      h(
        'header',
        { class: 'phone-head' },
        h(
          'div',
          { class: 'title' },
          h('strong', {}, host.config.account),
          h('small', { class: 'who' }, `${user}`),
          this.#typing,
        ),
        this.#follow,
      ),
      this.#chat,
      this.#bottom,
      this.#panel,
    );
    this.setMenu(host.config.menu);
  }

  /** Shows `menu` in the bottom bar (or the input bar alone when there is none). */
  setMenu(menu: Menu | null): void {
    this.#menu = menu && menu.button.length > 0 ? menu : null;
    this.#renderBottom();
  }

  #renderBottom(): void {
    const menu = this.#menu;
    if (menu && this.#showMenu) {
      this.#bottom.replaceChildren(
        h(
          'div',
          { class: 'menubar' },
          h(
            'button',
            {
              type: 'button',
              class: 'to-keyboard',
              title: '键盘 keyboard',
              onclick: () => this.#flip(false),
            },
            '⌨',
          ),
          ...menu.button.map((button) => this.#menuButton(button)),
        ),
      );
      return;
    }
    this.#bottom.replaceChildren(
      h(
        'div',
        { class: 'inputbar' },
        menu
          ? h(
              'button',
              {
                type: 'button',
                class: 'to-menu',
                title: '菜单 menu',
                onclick: () => this.#flip(true),
              },
              '☰',
            )
          : null,
        this.#input,
        h(
          'button',
          {
            type: 'button',
            class: 'more-button',
            title: '更多 more',
            onclick: () => this.#toggleTools(),
          },
          '＋',
        ),
        h(
          'button',
          { type: 'button', class: 'send-button', onclick: () => this.#sendText() },
          '发送',
        ),
      ),
    );
  }

  #flip(showMenu: boolean): void {
    this.#showMenu = showMenu;
    this.#closePanel();
    this.#renderBottom();
    if (!showMenu) this.#input.focus();
  }

  #menuButton(button: MenuButton): HTMLElement {
    const subs = button.sub_button ?? [];
    if (subs.length === 0) {
      return h(
        'button',
        { type: 'button', class: 'menu-button', onclick: () => this.#press(button) },
        button.name,
      );
    }
    const list = h(
      'div',
      { class: 'sub-menu', hidden: true },
      ...subs.map((sub) =>
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              list.hidden = true;
              this.#press(sub);
            },
          },
          sub.name,
        ),
      ),
    );
    return h(
      'div',
      { class: 'menu-group' },
      list,
      h(
        'button',
        {
          type: 'button',
          class: 'menu-button parent',
          onclick: () => {
            for (const other of this.element.querySelectorAll<HTMLElement>('.sub-menu')) {
              if (other !== list) other.hidden = true;
            }
            list.hidden = !list.hidden;
          },
        },
        `≡ ${button.name}`,
      ),
    );
  }

  /** A tap on a menu button: the event WeChat sends for its type, with the nested fields. */
  #press(button: MenuButton): void {
    const key = button.key ?? '';
    const name = button.name;
    switch (button.type) {
      case 'click':
        void this.#event('click_event', { key }, `点击菜单「${name}」 CLICK ${key}`);
        return;
      case 'view':
        void this.#event(
          'view_event',
          { key: button.url ?? '' },
          `打开网页「${name}」 VIEW ${button.url ?? ''}`,
        );
        return;
      case 'scancode_push':
      case 'scancode_waitmsg': {
        const type =
          button.type === 'scancode_push' ? 'scancode_push_event' : 'scancode_waitmsg_event';
        this.#openForm(
          `扫一扫「${name}」 ${button.type}`,
          [{ name: 'scanResult', label: '扫描结果 ScanResult', value: 'https://example.com/qr/1' }],
          (v) =>
            this.#event(
              type,
              { key, scanType: 'qrcode', scanResult: v.scanResult ?? '' },
              `扫码「${name}」: ${v.scanResult}`,
            ),
        );
        return;
      }
      case 'pic_sysphoto':
      case 'pic_photo_or_album':
      case 'pic_weixin': {
        const type = `${button.type}_event` as MessageType;
        this.#openForm(
          `发图「${name}」 ${button.type}`,
          [],
          (_v, form) => {
            const picked = [...form.querySelectorAll<HTMLInputElement>('input[name=img]:checked')];
            const picList = picked.map((input) => ({ picMd5Sum: md5ish(input.value) }));
            return this.#event(
              type,
              { key, count: picList.length, picList },
              `发图「${name}」: ${picList.length} 张`,
            );
          },
          picturePicker(this.#host.config.samples, true),
        );
        return;
      }
      case 'location_select':
        this.#openForm(`发送位置「${name}」 location_select`, locationFields(true), (v) =>
          this.#event(
            'location_select_event',
            {
              key,
              locationX: num(v.locationX),
              locationY: num(v.locationY),
              scale: Math.trunc(num(v.scale)),
              label: v.label ?? '',
              poiName: v.poiName ?? '',
            },
            `选择位置「${name}」: ${v.label}`,
          ),
        );
        return;
      default:
        this.note(
          `「${name}」(${button.type ?? '?'}) 由微信直接处理，不发给机器人 · WeChat handles this button itself`,
        );
    }
  }

  #toggleTools(): void {
    if (!this.#panel.hidden) {
      this.#closePanel();
      return;
    }
    const tool = (id: string, icon: string, label: string, act: () => void) =>
      h(
        'button',
        {
          type: 'button',
          class: 'tool',
          'data-tool': id,
          // A tool that needs values opens its form in the panel again.
          onclick: () => {
            this.#closePanel();
            act();
          },
        },
        h('span', {}, icon),
        label,
      );
    this.#panel.replaceChildren(
      h(
        'div',
        { class: 'tools' },
        tool('image', '🖼', '图片', () => this.#imageForm()),
        tool('voice', '🎤', '语音', () =>
          this.#openForm(
            '语音 voice',
            [{ name: 'recognition', label: '语音识别结果 Recognition', value: '你好' }],
            (v) =>
              this.#message(
                'voice',
                { mediaId: mediaId('voice'), format: 'amr', recognition: v.recognition ?? '' },
                h(
                  'div',
                  { class: 'bubble voice' },
                  '🔊 3″',
                  v.recognition ? h('small', {}, ` ${v.recognition}`) : null,
                ),
              ),
          ),
        ),
        tool('video', '🎬', '视频', () =>
          this.#message(
            'video',
            { mediaId: mediaId('video'), thumbMediaId: mediaId('thumb') },
            h('div', { class: 'bubble card' }, '🎬 视频 video'),
          ),
        ),
        tool('shortvideo', '📹', '小视频', () =>
          this.#message(
            'shortvideo',
            { mediaId: mediaId('shortvideo'), thumbMediaId: mediaId('thumb') },
            h('div', { class: 'bubble card' }, '📹 小视频 short video'),
          ),
        ),
        tool('location', '📍', '位置', () =>
          this.#openForm('位置 location', locationFields(false), (v) =>
            this.#message(
              'location',
              {
                locationX: num(v.locationX),
                locationY: num(v.locationY),
                scale: Math.trunc(num(v.scale)),
                label: v.label ?? '',
              },
              h(
                'div',
                { class: 'bubble location' },
                h('strong', {}, v.label || '位置'),
                h('small', {}, `${v.locationX}, ${v.locationY}`),
              ),
            ),
          ),
        ),
        tool('link', '🔗', '链接', () =>
          this.#openForm(
            '链接 link',
            [
              { name: 'title', label: '标题 Title', value: 'zgrobot' },
              {
                name: 'description',
                label: '描述 Description',
                value: 'WeChat bots in TypeScript',
              },
              { name: 'url', label: 'URL', value: 'https://example.com/' },
            ],
            (v) =>
              this.#message(
                'link',
                { title: v.title ?? '', description: v.description ?? '', url: v.url ?? '' },
                h(
                  'div',
                  { class: 'bubble card link' },
                  h('strong', {}, v.title ?? ''),
                  h('small', {}, v.description ?? ''),
                ),
              ),
          ),
        ),
        tool('scan', '▦', '扫码', () =>
          this.#openForm(
            '扫描带参数二维码 QR scene',
            [{ name: 'scene', label: '场景值 scene', value: '123' }],
            (v) => this.#scanScene(v.scene ?? ''),
          ),
        ),
        tool('location_event', '🛰', '上报位置', () =>
          this.#openForm(
            '上报地理位置 LOCATION event',
            [
              { name: 'latitude', label: '纬度 Latitude', value: '23.137466', type: 'number' },
              { name: 'longitude', label: '经度 Longitude', value: '113.352425', type: 'number' },
            ],
            (v) =>
              this.#event(
                'location_event',
                { latitude: num(v.latitude), longitude: num(v.longitude), precision: 65 },
                `上报位置 ${v.latitude}, ${v.longitude}`,
              ),
          ),
        ),
      ),
    );
    this.#panel.hidden = false;
  }

  #imageForm(): void {
    this.#openForm(
      '图片 image',
      [],
      (v) =>
        this.#message(
          'image',
          { img: v.img ?? '', mediaId: mediaId('image') },
          h('div', { class: 'bubble picture' }, h('img', { src: v.img ?? '', alt: 'image' })),
        ),
      picturePicker(this.#host.config.samples),
    );
  }

  #openForm(
    title: string,
    fields: FormField[],
    send: (values: Record<string, string>, form: HTMLFormElement) => unknown,
    extra?: HTMLElement,
  ): void {
    const form = kindForm(
      title,
      fields,
      (values, element) => {
        this.#closePanel();
        void send(values, element);
      },
      extra,
    );
    const close = h(
      'button',
      { type: 'button', class: 'form-close', onclick: () => this.#closePanel() },
      '×',
    );
    this.#panel.replaceChildren(close, form);
    this.#panel.hidden = false;
  }

  #closePanel(): void {
    this.#panel.hidden = true;
    this.#panel.replaceChildren();
  }

  async #toggleFollow(): Promise<void> {
    if (this.#followed) {
      this.#setFollowed(false);
      await this.#event('unsubscribe_event', {}, '你取消关注了公众号 · unfollowed');
    } else {
      this.#setFollowed(true);
      await this.#event('subscribe_event', {}, '你关注了公众号 · followed');
    }
  }

  #setFollowed(followed: boolean): void {
    this.#followed = followed;
    this.#follow.textContent = followed ? '取消关注 Unfollow' : '关注 Follow';
  }

  /** A scan of a QR code with a scene: `subscribe` with `qrscene_…` for a new follower, else `SCAN`. */
  #scanScene(scene: string): Promise<void> {
    const ticket = `playground_ticket_${scene}`;
    if (this.#followed)
      return this.#event('scan_event', { key: scene, ticket }, `扫描二维码 scene ${scene}`);
    this.#setFollowed(true);
    return this.#event(
      'subscribe_event',
      { key: `qrscene_${scene}`, ticket },
      `扫码关注 scene ${scene}`,
    );
  }

  #sendText(): void {
    const content = this.#input.value;
    if (content.trim() === '') return;
    this.#input.value = '';
    void this.#message('text', { content }, h('div', { class: 'bubble text' }, content));
  }

  /** A message from the user: its bubble on the right, then the reply. */
  #message(kind: MessageType, fields: Record<string, unknown>, bubble: HTMLElement): Promise<void> {
    const out = h(
      'div',
      { class: 'msg out pending' },
      h('span', { class: 'status' }, '…'),
      bubble,
      this.#avatar('me'),
    );
    return this.#exchange(kind, fields, out);
  }

  /** An event: a grey line in the middle, then the reply. */
  #event(kind: MessageType, fields: Record<string, unknown>, label: string): Promise<void> {
    const out = h(
      'div',
      { class: 'note event pending' },
      label,
      h('span', { class: 'status' }, ' …'),
    );
    return this.#exchange(kind, fields, out);
  }

  async #exchange(
    kind: MessageType,
    fields: Record<string, unknown>,
    out: HTMLElement,
  ): Promise<void> {
    out.dataset.kind = kind;
    this.#append(out);
    try {
      this.showResult(await this.#host.send(this.user, kind, fields), out);
    } catch (error) {
      out.classList.remove('pending');
      this.#append(
        h(
          'div',
          { class: 'msg in invalid' },
          this.#avatar('bot'),
          h('div', { class: 'bubble invalid' }, String(error)),
        ),
      );
    }
  }

  /** The reply of `exchange` below `out` (the user's bubble or the retry's note). */
  showResult(exchange: Exchange, out: HTMLElement): void {
    out.classList.remove('pending');
    out.dataset.exchange = exchange.id;
    out.addEventListener('click', () => this.#host.inspect(exchange));
    const status = out.querySelector('.status');
    if (status) status.textContent = ` ${exchange.ms} ms`;
    const parsed = exchange.reply.parsed;
    const inspect = () => this.#host.inspect(exchange);
    if (exchange.problems.length > 0) {
      this.#append(
        h(
          'div',
          { class: 'msg in invalid', 'data-exchange': exchange.id, onclick: inspect },
          this.#avatar('bot'),
          h(
            'div',
            { class: 'bubble invalid' },
            h('strong', {}, '微信不会显示这条回复 · WeChat would not show this reply'),
            h('ul', {}, ...exchange.problems.map((p) => h('li', {}, p))),
          ),
        ),
      );
      return;
    }
    if (!parsed || parsed.type === 'success') {
      const what = parsed?.raw === '' ? '空回复 empty' : 'success';
      this.#append(
        h(
          'div',
          { class: 'note no-reply', 'data-exchange': exchange.id, onclick: inspect },
          `公众号没有回复 · no reply (${what})`,
        ),
      );
      return;
    }
    if (parsed.type === 'transfer_customer_service') {
      const account = parsed.account ? `（${parsed.account}）` : '';
      this.#append(
        h(
          'div',
          { class: 'note transfer', 'data-exchange': exchange.id, onclick: inspect },
          `已转接人工客服${account} · handed to customer service`,
        ),
      );
      return;
    }
    this.#reply(parsed, { 'data-exchange': exchange.id, onclick: inspect });
  }

  /** A retry of `exchange` (same MsgId), and what the bot answered to it. */
  showReplay(exchange: Exchange): void {
    const out = h(
      'div',
      { class: 'note replay' },
      `微信重试 #${exchange.replayOf}（同一 MsgId ${exchange.request.messageId ?? ''}）· retry`,
      h('span', { class: 'status' }, ''),
    );
    this.#append(out);
    this.showResult(exchange, out);
  }

  /** A customer-service message the bot sent through the API. */
  addCustom(body: unknown): void {
    this.#setTyping(false);
    this.#reply(shownCustom(body), {}, '客服消息 customer service');
  }

  /** A template message the bot sent through the API. */
  addTemplate(body: unknown): void {
    this.#append(h('div', { class: 'msg in custom' }, this.#avatar('bot'), templateCard(body)));
  }

  /** "正在输入" on or off, as the typing API asks. */
  setTyping(command: string): void {
    this.#setTyping(command === 'Typing');
  }

  #setTyping(on: boolean): void {
    this.#typing.hidden = !on;
  }

  #reply(shown: Shown, attrs: Record<string, string | EventListener>, badge?: string): void {
    const element = shownElement(shown);
    if (!element) return;
    this.#append(
      h(
        'div',
        { class: `msg in ${badge ? 'custom' : ''}`, ...attrs },
        this.#avatar('bot'),
        h('div', { class: 'stack' }, badge ? h('span', { class: 'badge' }, badge) : null, element),
      ),
    );
  }

  /** A grey line in the chat. */
  note(text: string): void {
    this.#append(h('div', { class: 'note' }, text));
  }

  #avatar(who: 'me' | 'bot'): HTMLElement {
    const letter = who === 'me' ? this.user.slice(-1).toUpperCase() : '公';
    return h('span', { class: `avatar ${who}` }, letter);
  }

  #append(element: HTMLElement): void {
    const last = this.#chat.lastElementChild as HTMLElement | null;
    const now = Date.now();
    if (!last || now - Number(this.#chat.dataset.lastTime ?? 0) > 60_000) {
      this.#chat.append(h('div', { class: 'time' }, clock(now).slice(0, 5)));
    }
    this.#chat.dataset.lastTime = String(now);
    this.#chat.append(element);
    this.#chat.scrollTop = this.#chat.scrollHeight;
  }
}

function locationFields(select: boolean): FormField[] {
  const fields: FormField[] = [
    { name: 'locationX', label: '纬度 Location_X', value: '23.134521', type: 'number' },
    { name: 'locationY', label: '经度 Location_Y', value: '113.358803', type: 'number' },
    { name: 'scale', label: '缩放 Scale', value: '15', type: 'number' },
    { name: 'label', label: '地址 Label', value: '广州市天河区天河路' },
  ];
  if (select) fields.push({ name: 'poiName', label: 'POI 名称 Poiname', value: '天河城' });
  return fields;
}
