// The playground page: phones side by side (one per simulated user), the inspector and the API
// calls the bot makes, kept up to date by the server's event stream.
import './style.css';
import * as api from './api.js';
import { h } from './dom.js';
import { addCall, showExchange } from './inspector.js';
import { Phone, type PhoneHost } from './phone.js';
import type { ApiCall, Exchange, Menu } from './types.js';

const phones = new Map<string, Phone>();
const userName = (n: number) => `o_playground_user_${n}`;

async function start(): Promise<void> {
  const config = await api.config();
  const host: PhoneHost = {
    config,
    send: api.send,
    inspect: (exchange) => showExchange(exchange, config.budget, (e) => void replay(e)),
  };

  const info = document.getElementById('bot-info');
  if (info) {
    const mode =
      config.mode === 'plain'
        ? '明文 plaintext'
        : `${config.mode === 'safe' ? '安全模式 safe' : '兼容模式 compatible'} · ${config.appId}`;
    info.replaceChildren(
      h('span', {}, 'bot '),
      h('code', {}, config.bot),
      h('span', { class: `mode ${config.mode}` }, mode),
    );
  }

  const phoneFor = (user: string): Phone => {
    let phone = phones.get(user);
    if (!phone) {
      phone = new Phone(user, host);
      phones.set(user, phone);
      document.getElementById('phones')?.append(phone.element);
    }
    return phone;
  };

  async function replay(exchange: Exchange): Promise<void> {
    const again = await api.replay(exchange.id);
    phoneFor(again.user).showReplay(again);
    host.inspect(again);
  }

  phoneFor(userName(1));
  document.getElementById('add-user')?.addEventListener('click', () => {
    phoneFor(userName(phones.size + 1));
  });

  const events = new EventSource('/api/events');
  events.addEventListener('api', (event) => {
    const call = JSON.parse((event as MessageEvent<string>).data) as ApiCall;
    addCall(call);
    const body = (call.body ?? {}) as { touser?: unknown; command?: unknown };
    const user = typeof body.touser === 'string' ? body.touser : undefined;
    if (!user) return;
    if (call.path === '/cgi-bin/message/custom/send') phoneFor(user).addCustom(call.body);
    else if (call.path === '/cgi-bin/message/custom/typing')
      phoneFor(user).setTyping(String(body.command));
    else if (call.path === '/cgi-bin/message/template/send') phoneFor(user).addTemplate(call.body);
  });
  events.addEventListener('menu', (event) => {
    const menu = JSON.parse((event as MessageEvent<string>).data) as Menu | null;
    for (const phone of phones.values()) {
      phone.setMenu(menu);
      phone.note(
        menu ? '公众号更新了菜单 · the menu changed' : '公众号删除了菜单 · the menu was deleted',
      );
    }
    config.menu = menu;
  });
  document.body.dataset.ready = 'true';
}

void start();
