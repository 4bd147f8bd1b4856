// A fetch-standard handler, e.g. a Next.js route handler (app/wechat/route.ts) or a
// serverless function: (Request) => Promise<Response>, the whole pipeline inside.
import { fetchHandler } from '../../src/contrib/fetch.js';
import { robot } from './robot.js';

const handle = fetchHandler(robot);

export const GET = (request: Request) => handle(request);
export const POST = (request: Request) => handle(request);
