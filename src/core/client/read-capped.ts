import type { Dispatcher } from 'undici';
import { WeChatResponseTooLargeError } from './errors.js';

/**
 * The whole body of `res`, counted as it arrives: past `limit` bytes reading stops, the stream is
 * destroyed (closing the connection) and {@link WeChatResponseTooLargeError} is thrown, so a
 * misbehaving proxy or endpoint can never make the client hold more than `limit` bytes. A
 * `content-length` already past the limit is refused before any byte is read.
 */
export async function readCapped(
  res: Dispatcher.ResponseData,
  limit: number,
  api: string,
): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) {
    res.body.destroy();
    throw new WeChatResponseTooLargeError(api, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    // Leaving the loop destroys the body stream: undici drops the connection.
    if (size > limit) throw new WeChatResponseTooLargeError(api, limit);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}
