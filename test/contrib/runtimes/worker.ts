// A Cloudflare Worker serving the example robot: bundled with esbuild and run in workerd by
// ../runtimes.test.ts, as `wrangler deploy` would bundle it.
import { robot } from './robot.js';

/** The part of the Workers execution context used here. */
interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
}

export default {
  fetch: (request: Request, _env: unknown, ctx: ExecutionContext) =>
    robot.fetch(request, { waitUntil: (work) => ctx.waitUntil(work) }),
};
