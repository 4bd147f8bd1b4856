import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZgRoBot } from '../robot.js';

/** Options of {@link zgrobotFastify}. */
export interface ZgRoBotFastifyOptions {
  robot: ZgRoBot;
  /** The route, below the plugin's `prefix`; default `/`. */
  path?: string;
}

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
export const zgrobotFastify: FastifyPluginAsync<ZgRoBotFastifyOptions> = async (
  fastify,
  options,
) => {
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
