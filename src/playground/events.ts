// Server-Sent Events to the page: what the bot sends through the API, menus it sets.
import type { ServerResponse } from 'node:http';

/** One event pushed to the page. */
export interface PlaygroundEvent {
  type: 'api' | 'menu';
  data: unknown;
}

/** The pages listening (`GET /api/events`), and what to push to them. */
export class EventHub {
  readonly #listeners = new Set<ServerResponse>();

  /** Keeps `res` open as an event stream until the page goes away. */
  listen(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': zgrobot playground\n\n');
    this.#listeners.add(res);
    res.on('close', () => this.#listeners.delete(res));
  }

  /** Pushes `event` to every page listening. */
  push(event: PlaygroundEvent): void {
    const frame = `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    for (const res of this.#listeners) res.write(frame);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const res of this.#listeners) res.end();
    this.#listeners.clear();
  }
}
