import type { Account } from '../src/core/accounts/account.js';
import type { Client } from '../src/core/client/client.js';
import { PipelineError } from '../src/core/errors.js';
import { messageFields } from '../src/core/log-fields.js';
import type { Logger } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import type { Reply } from '../src/core/replies/kinds.js';
import { type CustomerServiceClient, replyKindOf } from '../src/core/replies/kinds.js';
import type { TrackTurn } from '../src/core/turn/pending-turns.js';

export type { CustomerServiceClient } from '../src/core/replies/kinds.js';

/**
 * What happens to a reply the handlers produced after the bot already answered `success` (past
 * `replyTimeout`, or after `ctx.wechat.defer()`), when no WeChat retry took it:
 * `'customer-service'` sends it with the 客服 message API; `'drop'` logs it and drops it.
 */
export type LateReplyMode = 'customer-service' | 'drop';

/**
 * Sends a late reply your own way (a queue, another API); `message` is what it answers, `account`
 * the account it came to (with `accounts`, the one to send as).
 */
export type SendLateReply = (
  reply: Reply,
  message: AnyMessage,
  account: Account | undefined,
) => Promise<unknown>;

/** How `turn()` delivers late replies. */
export interface LateReplyOptions {
  /** Default: `'customer-service'` when `client` or `sendLateReply` is given, else `'drop'`. */
  lateReply?: LateReplyMode;
  /** The API client to send with (`robot.client`, `new Client(…)`). */
  client?: CustomerServiceClient;
  /** Or a function of your own; it wins over `client`. */
  sendLateReply?: SendLateReply;
  /** Milliseconds from arrival until `ctx.wechat.signal` aborts (default 14 500). */
  finalDeadline?: number;
  /**
   * Told of every turn, with a promise that settles when it is over (its late reply delivered):
   * a `PendingTurns`'s `track`, so a shutdown can wait for them (`robot.close()` does).
   */
  trackTurn?: TrackTurn;
  /**
   * 正在输入：回合超过 `replyTimeout`（或 handler 调用了 `defer()`）之后，一直向用户显示“正在输入”，
   * 直到迟到的回复送出，然后取消。需要 `client`。Show "typing…" to the user while a late or
   * deferred turn still works, until its late reply has gone out, then cancel it; needs `client`.
   * `{ refreshEvery }`: how often it is shown again, in ms (WeChat shows it for 15 s; default
   * 14 000).
   */
  typing?: boolean | { refreshEvery?: number };
  /**
   * Late replies and the typing status go out with the client of the request's account
   * (`ctx.wechat.account.client`), not `client`: `pipeline()` sets it with `accounts`. An
   * account without a client has its late replies logged and dropped.
   */
  accountClients?: boolean;
  logger?: Logger;
}

/**
 * Delivers one late reply; made once per pipeline by {@link latePusher}. `account` is the
 * request's: with `accountClients`, its client sends.
 */
export type LatePusher = (
  reply: Reply,
  message: AnyMessage,
  logger: Logger,
  account?: Account,
) => Promise<void>;

/**
 * Sends `reply` to the user who sent `message` with the 客服 message API, as its row of
 * `REPLY_KINDS` says: text, image, voice, video, music (an empty thumbnail when the reply has
 * none), news (the articles, as a `news` customer message). Resolves `false` for replies that
 * cannot be sent this way (`success`, `transfer_customer_service`).
 *
 * @example
 * ```ts
 * await sendAsCustomerMessage(client, new TextReply({ message, content: '久等了' }), message);
 * ```
 */
export async function sendAsCustomerMessage(
  client: CustomerServiceClient,
  reply: Reply,
  message: Pick<AnyMessage, 'source'>,
): Promise<boolean> {
  const { customerService } = replyKindOf(reply);
  if (!customerService) return false;
  // The reply's own addressee wins; one built without it goes back to the message's sender.
  const user = ('target' in reply && reply.target) || message.source;
  await customerService.send(client, user, reply);
  return true;
}

/**
 * Makes the function that delivers late replies from the options.
 *
 * @throws {PipelineError} for `lateReply: 'customer-service'` with neither `client` nor `sendLateReply`.
 */
export function latePusher(options: LateReplyOptions = {}): LatePusher {
  const { sendLateReply: send, accountClients } = options;
  const mode =
    options.lateReply ?? (options.client || send || accountClients ? 'customer-service' : 'drop');
  if (mode === 'customer-service' && !options.client && !send && !accountClients) {
    throw new PipelineError(
      "lateReply: 'customer-service' needs a client (appId and appSecret) or a send function",
    );
  }
  if (mode !== 'customer-service' && mode !== 'drop') {
    throw new PipelineError(
      `lateReply must be 'customer-service' or 'drop', got ${JSON.stringify(mode)}`,
    );
  }
  return async (reply, message, logger, account) => {
    const client = clientFor(options, account);
    // A typing status shown for this message stops before the reply goes, not after.
    await showing.get(message)?.();
    const fields = { ...messageFields(message), replyType: reply.type };
    if (mode === 'drop') {
      logger.warn(
        fields,
        "zgrobot: dropped a late reply: no retry took it and lateReply is 'drop'",
      );
      return;
    }
    if (!send && !client) {
      logger.warn(fields, 'zgrobot: dropped a late reply: its account has no API client');
      return;
    }
    try {
      if (send) {
        await send(reply, message, account);
      } else if (client && !(await sendAsCustomerMessage(client, reply, message))) {
        logger.warn(
          fields,
          'zgrobot: dropped a late reply: a customer-service message cannot carry it',
        );
        return;
      }
      logger.info(fields, 'zgrobot: sent a late reply as a customer-service message');
    } catch (error) {
      logger.error(
        { ...fields, err: error },
        'zgrobot: could not send a late reply as a customer-service message',
      );
    }
  };
}

/** How often "typing…" is shown again while a late turn works on: WeChat shows it for 15 s. */
export const DEFAULT_TYPING_REFRESH = 14_000;

/**
 * The messages whose typing status is being shown, each with what stops showing it again
 * (resolved once the last Typing went out): the late pusher calls it before it sends the reply.
 */
const showing = new WeakMap<AnyMessage, () => Promise<void>>();

/** The client method {@link typingWhile} calls. */
export type TypingClient = Pick<Client, 'sendTypingStatus'>;

/**
 * Runs along with the late part of a turn (the work, then the delivery of its reply): resolves
 * or rejects as `late` does, once the typing status it showed the user is cancelled. Made once
 * per pipeline by {@link typingWhile}.
 */
export type ShowTyping = <T>(
  late: Promise<T>,
  message: AnyMessage | undefined,
  logger: Logger,
  account?: Account,
) => Promise<T>;

function isTypingClient(client: unknown): client is TypingClient {
  return typeof (client as Partial<TypingClient> | undefined)?.sendTypingStatus === 'function';
}

/**
 * The `typing` option: shows "正在输入" to the user while the late part of a turn goes on — the
 * handlers still working, then the wait for a WeChat retry that may take the reply — sending it
 * at once and again every `refreshEvery` ms. It stops before the late reply is pushed (the
 * pusher of {@link latePusher} waits for the last Typing, so none follows the reply) and is
 * cancelled when the late part is over (the pushed reply ends it on WeChat's side already; the
 * cancel covers a turn with nothing to send, a failed push and a reply a retry took). A failed
 * typing call is logged and changes nothing else. Without `typing` the late part passes through
 * untouched.
 *
 * @throws {PipelineError} for `typing` without a client that has `sendTypingStatus`.
 * @example
 * ```ts
 * const typing = typingWhile({ typing: true, client });
 * await typing(workThenDelivery, message, logger); // Typing … (reply) … CancelTyping
 * ```
 */
export function typingWhile(options: LateReplyOptions = {}): ShowTyping {
  const { typing, accountClients } = options;
  if (!typing) return (late) => late;
  if (!accountClients && !isTypingClient(options.client)) {
    throw new PipelineError(
      'typing needs a client (appId and appSecret) to send the typing status',
    );
  }
  const every = (typeof typing === 'object' && typing.refreshEvery) || DEFAULT_TYPING_REFRESH;
  return async (late, message, logger, account) => {
    const user = message?.source;
    const client = clientFor(options, account);
    if (!user || !isTypingClient(client)) return late;
    const send = (command: 'Typing' | 'CancelTyping') =>
      client.sendTypingStatus(user, command).then(
        () => undefined,
        (error: unknown) =>
          logger.warn(
            { command, openid: user, err: error },
            'zgrobot: could not send the typing status',
          ),
      );
    let shown = send('Typing');
    const timer = setInterval(() => {
      shown = shown.then(() => send('Typing'));
    }, every);
    // Stops the refresh; resolves once the last Typing has gone out, so nothing overtakes it.
    const stop = () => {
      clearInterval(timer);
      return shown;
    };
    if (message) showing.set(message, stop);
    try {
      return await late;
    } finally {
      await stop();
      if (message) showing.delete(message);
      await send('CancelTyping');
    }
  };
}

/**
 * The client late replies and the typing status go out with: with `accountClients`, the request's
 * account's and no other (another account's would be refused by WeChat); else the options' one.
 */
function clientFor(
  options: LateReplyOptions,
  account: Account | undefined,
): CustomerServiceClient | undefined {
  if (!options.accountClients) return options.client;
  return account?.hasClient ? account.client : undefined;
}
