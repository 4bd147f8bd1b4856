/**
 * How `robot.run()`'s HTTP server treats slow or idle clients. WeChat sends a few KiB at once
 * and gives up after 5 s, so a client that takes seconds over its headers or body is not WeChat:
 * these bounds close it instead of letting a few hundred such sockets (slowloris) hold the server.
 */
export interface ServerLimits {
  /** Milliseconds a client gets to send the request headers (Node default 60 000). Default 10 000. */
  headersTimeout: number;
  /**
   * Milliseconds a client gets to send the whole request, headers and body (Node default
   * 300 000). At least `headersTimeout`. Default 15 000.
   */
  requestTimeout: number;
  /** Milliseconds an idle keep-alive connection stays open. Default 5 000 (as Node). */
  keepAliveTimeout: number;
  /**
   * How often, in ms, Node checks the two timeouts above (Node default 30 000, which lets a
   * 10 s timeout run to 40 s). Default 1 000.
   */
  connectionsCheckingInterval: number;
  /** Most connections open at once; more are closed as they arrive. `0`: no cap. Default 1 024. */
  maxConnections: number;
}

/** The defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
  maxConnections: 1_024,
});
