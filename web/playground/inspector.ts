// The side panel: one exchange in full (request, reply, checks, timing), and the API calls.
import { clock, h, pretty } from './dom.js';
import type { ApiCall, Exchange } from './types.js';

function block(title: string, text: string, cls = ''): HTMLElement {
  return h('div', { class: `block ${cls}` }, h('h4', {}, title), h('pre', {}, text));
}

/** Shows `exchange` in the inspector; `onReplay` sends it again. */
export function showExchange(
  exchange: Exchange,
  budget: number,
  onReplay: (exchange: Exchange) => void,
): void {
  const body = document.querySelector('#inspector .inspector-body');
  if (!body) return;
  const share = Math.min(exchange.ms / budget, 1);
  const { request, reply } = exchange;
  const query = Object.entries(request.query)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  body.className = 'inspector-body';
  const parts: (HTMLElement | null)[] = [
    h(
      'div',
      { class: 'ex-head' },
      h('strong', {}, `#${exchange.id} ${exchange.kind}`),
      h('span', {}, ` · ${exchange.user} · ${clock(exchange.at)}`),
      exchange.replayOf ? h('span', { class: 'tag' }, `重试 retry of #${exchange.replayOf}`) : null,
      h(
        'button',
        {
          type: 'button',
          class: 'replay',
          title: 'WeChat retries a message it got no answer for, with the same MsgId',
          onclick: () => onReplay(exchange),
        },
        request.messageId ? '重发（同一 MsgId）Replay' : '重发 Replay',
      ),
    ),
    h(
      'div',
      { class: `timing ${exchange.ms > budget ? 'late' : ''}` },
      h('div', { class: 'timing-bar', style: `width:${(share * 100).toFixed(1)}%` }),
      h('span', { class: 'timing-text' }, `${exchange.ms} ms / ${budget} ms`),
    ),
    h(
      'ul',
      { class: 'checks' },
      ...exchange.checks.map((check) =>
        h(
          'li',
          { class: check.ok ? 'ok' : 'bad' },
          `${check.ok ? '✓' : '✗'} ${check.label}`,
          check.detail ? h('small', {}, ` ${check.detail}`) : null,
        ),
      ),
    ),
    exchange.problems.length
      ? h('ul', { class: 'problems' }, ...exchange.problems.map((p) => h('li', {}, p)))
      : null,
    h(
      'details',
      { open: true, class: 'request' },
      h('summary', {}, `请求 Request${request.encrypted ? '（加密 encrypted）' : ''}`),
      block('URL', request.url),
      block('Query', query),
      block(
        request.encrypted ? '消息明文 Message XML (before encryption)' : '消息 Message XML',
        request.xml,
      ),
      request.encrypted
        ? block('发送的请求体 Body sent (ciphertext)', request.body, 'cipher')
        : null,
    ),
    h(
      'details',
      { open: true, class: 'reply' },
      h('summary', {}, `回复 Reply · HTTP ${reply.status || '—'}`),
      block(
        reply.encrypted ? '收到的请求体 Body received (ciphertext)' : '收到的回复 Body received',
        reply.body || '(empty)',
        reply.encrypted ? 'cipher' : '',
      ),
      reply.xml ? block('解密后 Decrypted XML', reply.xml, 'decrypted') : null,
      reply.parsed ? block('解析结果 Parsed', pretty(reply.parsed)) : null,
    ),
  ];
  body.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

function summary(call: ApiCall): string {
  const body = (call.body ?? {}) as Record<string, unknown>;
  const to = typeof body.touser === 'string' ? ` → ${body.touser}` : '';
  const what = typeof body.msgtype === 'string' ? ` ${body.msgtype}` : '';
  const command = typeof body.command === 'string' ? ` ${body.command}` : '';
  return `${to}${what}${command}`;
}

/** Adds one API call to the list (newest first). */
export function addCall(call: ApiCall): void {
  const list = document.getElementById('call-list');
  const count = document.getElementById('call-count');
  if (!list || !count) return;
  list.prepend(
    h(
      'li',
      { class: 'call', 'data-path': call.path },
      h(
        'details',
        {},
        h(
          'summary',
          {},
          h('span', { class: 'call-time' }, clock(call.at)),
          ` ${call.method} `,
          h('code', {}, call.path),
          summary(call),
        ),
        call.body === undefined ? null : h('pre', {}, pretty(call.body)),
        h('pre', { class: 'answer' }, `→ ${JSON.stringify(call.answer)}`),
      ),
    ),
  );
  count.textContent = String(list.children.length);
}
