import { bounded } from '../bounded.js';
import { WeChatTimeoutError } from './errors.js';

/**
 * `work`, or a {@link WeChatTimeoutError} naming `api` once `timeout` ms have passed. The work
 * itself goes on (a token refresh another caller shares, or that the next call will use).
 */
export function within<T>(work: Promise<T>, timeout: number, api: string): Promise<T> {
  return bounded(work, timeout, () => new WeChatTimeoutError(api, timeout));
}
