import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZgRoBot } from '../robot.js';

/** Options of {@link zgrobotFastify}. */
export interface ZgRoBotFastifyOptions {
  robot: ZgRoBot;
  /** The route, below the plugin's `prefix`; default `/`. */
  path?: string;
}

/**
 * What {@link zgrobotFastify} uses of a Fastify instance, written out here rather than imported
 * from `fastify`, so these types compile for a project that has no Fastify installed. A Fastify 5
 * instance is one.
 */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'string'; bodyLimit?: number },
    parser: (request: unknown, body: string, done: (error: null, body: string) => void) => void,
  ): void;
  route(options: {
    method: ('GET' | 'POST')[];
    url: string;
    handler(
      request: { raw: IncomingMessage; body: unknown },
      reply: { raw: ServerResponse; hijack(): unknown },
    ): Promise<void>;
  }): unknown;
}

/** A Fastify plugin (async form) taking {@link ZgRoBotFastifyOptions}. */
export type ZgRoBotFastifyPlugin = (
  fastify: FastifyInstanceLike,
  options: ZgRoBotFastifyOptions,
) => Promise<void>;

/**
 * The robot as a Fastify 5 plugin: a GET/POST route whose body is kept as the raw text (a
 * content-type parser for every type, scoped to this plugin, so your other routes keep theirs),
 * then handed to the robot's pipeline with `reply.hijack()`. Register it without
 * `fastify-plugin`, so the parser stays inside.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { zgrobotFastify } from 'zgrobot/contrib/fastify';
 *
 * const app = Fastify();
 * await app.register(zgrobotFastify, { robot, prefix: '/wechat' });
 * await app.listen({ port: 8080 });
 * ```
 */
export const zgrobotFastify: ZgRoBotFastifyPlugin = async (fastify, options) => {
  const { robot, path = '/' } = options;
  const callback = robot.callback();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: robot.config.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  fastify.route({
    method: ['GET', 'POST'],
    url: path,
    handler: async (request, reply) => {
      reply.hijack();
      const raw: IncomingMessage & { body?: unknown } = request.raw;
      raw.body = request.body;
      const closed = once(reply.raw, 'close');
      callback(raw, reply.raw);
      await closed;
    },
  });
};
