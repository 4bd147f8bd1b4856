import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { FieldSpec } from '../core/messages/fields.js';
import {
  isMessageType,
  MESSAGE_KINDS,
  MESSAGE_TYPES,
  type MessageType,
  messageTypeOf,
} from '../core/messages/kinds.js';
import { createTestClient, type TestClientOptions } from '../testing/client.js';
import type { MessageInput } from '../testing/message-xml.js';
import type { ParsedReply } from '../testing/reply.js';
import { type CliContext, readAll } from './context.js';
import { UsageError } from './errors.js';
import { formatReply } from './format.js';
import { didYouMean } from './suggest.js';

const KINDS_HELP = `
Kinds:
  text <words...>              a text message
  image <picture-url>          an image message
  voice <media-id>             video <media-id>       shortvideo <media-id>
  link <url>                   location <latitude> <longitude> [label]
  event <name> [key]           any event by its WeChat name: subscribe, unsubscribe,
                               click, view, scan, scancode_push, location, ...
  subscribe | unsubscribe      click <key>      view <url>      scan <key>
  <type>                       any type of the table (scancode_push_event, ...), fields by -f
  xml <file>                   a message written by hand ("-" reads standard input)

Examples:
  zgrobot send http://127.0.0.1:8888/wechat --token tokenhere text 你好
  zgrobot send http://127.0.0.1:8888/wechat --token T --aes-key K --app-id wx1 event subscribe
  zgrobot send http://127.0.0.1:8888/wechat --token T click music --raw
  zgrobot send http://127.0.0.1:8888/wechat --token T scancode_push_event -f key=k -f scanType=qrcode`;

interface SendOptions {
  token?: string;
  aesKey?: string;
  appId?: string;
  compatible?: boolean;
  from?: string;
  to?: string;
  field?: string[];
  raw?: boolean;
  timeout?: string;
}

type KindRow = {
  readonly method: string;
  readonly event?: string | null;
  fields: Record<string, FieldSpec>;
};
const row = (type: MessageType): KindRow => MESSAGE_KINDS[type];

function fieldValue(type: MessageType, name: string, value: string): unknown {
  const spec = row(type).fields[name];
  if (!spec) {
    const known = Object.keys(row(type).fields);
    throw new UsageError(
      `${type} has no field "${name}"${known.length ? ` (its fields: ${known.join(', ')})` : ''}`,
      'send',
    );
  }
  if (spec.kind === 'string') return value;
  if (spec.kind === 'picList') {
    return value
      .split(',')
      .filter(Boolean)
      .map((picMd5Sum) => ({ picMd5Sum }));
  }
  if (spec.kind === 'list') return jsonArray(name, value);
  const number = Number(value);
  if (value.trim() === '' || Number.isNaN(number)) {
    throw new UsageError(`field ${name} needs a number, not "${value}"`, 'send');
  }
  return spec.kind === 'int' ? Math.trunc(number) : number;
}

/** A `list` field from the command line: a JSON array (`-f 'list=[{"templateId":"T"}]'`). */
function jsonArray(name: string, value: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    throw new UsageError(`field ${name} needs a JSON array, not "${value}"`, 'send');
  }
  return parsed;
}

function number(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || value.trim() === '' || Number.isNaN(parsed)) {
    throw new UsageError(`${name} must be a number, not "${value ?? ''}"`, 'send');
  }
  return parsed;
}

/** A kind named on the command line: a type, a router method, or a WeChat event name. */
function resolveType(name: string): MessageType | undefined {
  if (isMessageType(name)) return name;
  return MESSAGE_TYPES.find((t) => row(t).method === name);
}

/** Every name `send` takes for a kind: its own short ones, the types and the router methods. */
function kindNames(): string[] {
  const own = ['xml', 'text', 'image', 'voice', 'video', 'shortvideo', 'link', 'location'];
  const more = ['click', 'scan', 'view', 'event', ...MESSAGE_TYPES.map((t) => row(t).method)];
  return [...new Set([...own, ...more, ...MESSAGE_TYPES])];
}

interface Plan {
  type: MessageType;
  input: Record<string, unknown>;
}

/** What to send, from the kind and its arguments (and -f fields). */
function plan(kind: string, args: string[]): Plan {
  const first = args[0];
  const need = (what: string) => {
    if (first === undefined) throw new UsageError(`${kind} needs ${what}`, 'send');
    return first;
  };
  switch (kind) {
    case 'text':
      if (args.length === 0) throw new UsageError('text needs the words to send', 'send');
      return { type: 'text', input: { content: args.join(' ') } };
    case 'image':
      return { type: 'image', input: { img: need('a picture URL'), mediaId: 'cli_media_id' } };
    case 'voice':
    case 'video':
    case 'shortvideo':
      return { type: kind, input: { mediaId: need('a media id') } };
    case 'link': {
      const url = need('a URL');
      return { type: 'link', input: { url, title: args[1] ?? url } };
    }
    case 'location':
      return {
        type: 'location',
        input: {
          locationX: number('latitude', args[0]),
          locationY: number('longitude', args[1]),
          scale: 15,
          label: args[2] ?? '',
        },
      };
    case 'click':
    case 'scan':
      return { type: `${kind}_event`, input: { key: need('a key') } };
    case 'view':
      return { type: 'view_event', input: { key: need('a URL') } };
    case 'event': {
      const name = need('an event name (subscribe, click, …)');
      const type = messageTypeOf('event', name);
      const input: Record<string, unknown> = type === 'unknown_event' ? { event: name } : {};
      if (args[1] !== undefined) input.key = args[1];
      return { type, input };
    }
  }
  const type = resolveType(kind);
  if (!type) {
    throw new UsageError(`unknown kind "${kind}"${didYouMean(kind, kindNames())}`, 'send');
  }
  if (type === 'location_event' && args.length >= 2) {
    return {
      type,
      input: { latitude: number('latitude', args[0]), longitude: number('longitude', args[1]) },
    };
  }
  return { type, input: {} };
}

/** `zgrobot send <url> <kind> [arguments...]`: one message to a running bot, its reply printed. */
export function sendCommand(ctx: CliContext): Command {
  return new Command('send')
    .summary('send a message to a bot as WeChat does, print the reply')
    .description(
      'Sends a message to a bot exactly as WeChat does (signed; encrypted when --aes-key is ' +
        'given), checks the reply’s signature, decrypts it and prints it.',
    )
    .argument('<url>', 'the bot’s address, http(s)://…')
    .argument('<kind>', 'what to send: text, image, event, click, … (see Kinds)')
    .argument('[arguments...]', 'the kind’s arguments')
    .option('--token <token>', 'the bot’s token (or ZGROBOT_TOKEN)')
    .option('--aes-key <key>', 'EncodingAESKey: send in safe mode (or ZGROBOT_ENCODING_AES_KEY)')
    .option('--app-id <appid>', 'AppID, needed with --aes-key (or ZGROBOT_APP_ID)')
    .option('--compatible', 'with --aes-key: compatible mode (plaintext beside <Encrypt>)')
    .option('--from <openid>', 'the sender (FromUserName); default o_zgrobot_cli_user')
    .option('--to <account>', 'the account (ToUserName); default gh_zgrobot_cli')
    .option(
      '-f, --field <name=value>',
      'set any field by its name (key, scanType, count, ...); repeatable',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--raw', 'print the reply XML (decrypted) instead of a summary')
    .option('--timeout <ms>', 'how long to wait for the bot (default 10000)')
    .addHelpText('after', KINDS_HELP)
    .action(async (url: string, kind: string, rest: string[], options: SendOptions) => {
      ctx.print(await send(url, kind, rest, options, ctx));
    });
}

async function send(
  url: string,
  kind: string,
  rest: string[],
  values: SendOptions,
  { env, stdin }: CliContext,
): Promise<string> {
  if (!/^https?:\/\//.test(url)) throw new UsageError(`"${url}" is not an http(s) URL`, 'send');
  const token = values.token ?? env.ZGROBOT_TOKEN;
  if (!token) throw new UsageError('send needs --token (or ZGROBOT_TOKEN)', 'send');
  const encodingAESKey = values.aesKey ?? env.ZGROBOT_ENCODING_AES_KEY;
  const appId = values.appId ?? env.ZGROBOT_APP_ID;
  if (encodingAESKey && !appId) throw new UsageError('--aes-key needs --app-id too', 'send');
  const timeout = values.timeout === undefined ? undefined : number('--timeout', values.timeout);

  const options: TestClientOptions = {
    token,
    openid: values.from ?? 'o_zgrobot_cli_user',
    account: values.to ?? 'gh_zgrobot_cli',
    ...(encodingAESKey ? { encodingAESKey, appId } : {}),
    ...(values.compatible ? { mode: 'compatible' as const } : {}),
    ...(timeout ? { timeout } : {}),
  };
  const client = createTestClient(url, options);

  let reply: ParsedReply;
  if (kind === 'xml') {
    const file = rest[0];
    if (!file) throw new UsageError('xml needs a file ("-" for standard input)', 'send');
    const xml = file === '-' ? await readAll(stdin) : await readFile(file, 'utf8');
    reply = await client.sendXml(xml);
  } else {
    const { type, input } = plan(kind, rest);
    for (const field of values.field ?? []) {
      const eq = field.indexOf('=');
      if (eq <= 0) throw new UsageError(`--field takes name=value, not "${field}"`, 'send');
      input[field.slice(0, eq)] = fieldValue(type, field.slice(0, eq), field.slice(eq + 1));
    }
    reply = await client.send(type, input as MessageInput<typeof type>);
  }
  if (values.raw) return reply.raw;
  const note =
    encodingAESKey && reply.type !== 'success'
      ? '(encrypted reply: MsgSignature OK, decrypted)\n'
      : '';
  return `${note}${formatReply(reply)}`;
}
