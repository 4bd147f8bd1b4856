// A Cloudflare Worker serving the example robot: bundled with esbuild and run in workerd by
// ../runtimes.test.ts, as `wrangler deploy` would bundle it.
import { robot } from './robot.js';

export default { fetch: (request: Request) => robot.fetch(request) };
