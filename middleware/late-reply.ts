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

/** Sends a late reply your own way (a queue, another API); `message` is what it answers. */
export type SendLateReply = (reply: Reply, message: AnyMessage) => Promise<unknown>;

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
  logger?: Logger;
}

/** Delivers one late reply; made once per pipeline by {@link latePusher}. */
export type LatePusher = (reply: Reply, message: AnyMessage, logger: Logger) => Promise<void>;

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
  const { client, sendLateReply: send } = options;
  const mode = options.lateReply ?? (client || send ? 'customer-service' : 'drop');
  if (mode === 'customer-service' && !client && !send) {
    throw new PipelineError(
      "lateReply: 'customer-service' needs a client (appId and appSecret) or a send function",
    );
  }
  if (mode !== 'customer-service' && mode !== 'drop') {
    throw new PipelineError(
      `lateReply must be 'customer-service' or 'drop', got ${JSON.stringify(mode)}`,
    );
  }
  return async (reply, message, logger) => {
    const fields = { ...messageFields(message), replyType: reply.type };
    if (mode === 'drop') {
      logger.warn(
        fields,
        "zgrobot: dropped a late reply: no retry took it and lateReply is 'drop'",
      );
      return;
    }
    try {
      if (send) {
        await send(reply, message);
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
