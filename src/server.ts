import type { RequestListener, Server } from 'node:http';
import type { ServerLimits } from './server-limits.js';

export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';

/**
 * An HTTP server running `listener` within `limits`.
 *
 * @throws {RangeError} when `headersTimeout` is longer than a non-zero `requestTimeout`.
 */
export async function createLimitedServer(
  listener: RequestListener,
  limits: ServerLimits,
): Promise<Server> {
  const { headersTimeout, requestTimeout } = limits;
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw new RangeError(
      `headersTimeout (${headersTimeout} ms) must not be longer than requestTimeout (${requestTimeout} ms)`,
    );
  }
  // Loaded here, not with the module: a Workers bundle (no `node:http`) imports the robot too.
  const { createServer } = await import('node:http');
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      connectionsCheckingInterval: limits.connectionsCheckingInterval,
    },
    listener,
  );
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return server;
}
