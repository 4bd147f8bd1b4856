// What the playground's server sends the page (the types are the server's own).
import type { Menu, MenuButton } from '../../src/core/client/menu.js';
import type { MessageType } from '../../src/core/messages/kinds.js';
import type { Exchange } from '../../src/playground/exchange.js';
import type { ApiCall } from '../../src/playground/wechat-api.js';
import type { ParsedReply } from '../../src/testing/reply.js';

export type { ApiCall, Exchange, Menu, MenuButton, MessageType, ParsedReply };

/** `GET /api/config`. */
export interface PlaygroundConfig {
  bot: string;
  account: string;
  encrypted: boolean;
  mode: 'plain' | 'safe' | 'compatible';
  appId: string | null;
  budget: number;
  menu: Menu | null;
  samples: string[];
}
