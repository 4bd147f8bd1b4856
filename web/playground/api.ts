// The playground server's JSON API, as the page calls it.
import type { Exchange, MessageType, PlaygroundConfig } from './types.js';

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const value = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(value.error ?? `HTTP ${response.status}`);
  return value;
}

/** Sends one message or event to the bot, as `user`. */
export const send = (user: string, kind: MessageType, fields: Record<string, unknown>) =>
  post<Exchange>('/api/send', { user, kind, fields });

/** Sends an exchange's message again, same MsgId: a WeChat retry. */
export const replay = (id: string) => post<Exchange>('/api/replay', { id });

export async function config(): Promise<PlaygroundConfig> {
  return (await fetch('/api/config')).json() as Promise<PlaygroundConfig>;
}
