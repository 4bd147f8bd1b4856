// The example robot on Bun's own server: `bun test/contrib/runtimes/bun-server.ts` prints the
// port it listens on. Run by ../runtimes.test.ts.
import { robot } from './robot.js';

/** The part of Bun's API used here (the project does not depend on Bun's types). */
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(request: Request, server: BunServer): Promise<Response>;
  }): BunServer;
};
interface BunServer {
  readonly port: number;
  requestIP(request: Request): { address: string } | null;
}

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request, bun) =>
    robot.fetch(request, { remoteAddress: bun.requestIP(request)?.address ?? '' }),
});
console.log(`listening ${server.port}`);
