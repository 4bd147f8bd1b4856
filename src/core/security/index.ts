/**
 * Request checks beyond the signature, free of any web framework: the encryption mode, the
 * timestamp window and the nonce replay store.
 *
 * @module
 */
export { type EncryptMode, isEncryptMode, resolveEncryptMode } from './encrypt-mode.js';
export {
  MemoryNonceStore,
  type MemoryNonceStoreOptions,
  type NonceStore,
} from './nonce-store.js';
export {
  type RedisNonceClient,
  RedisNonceStore,
  type RedisNonceStoreOptions,
} from './redis-nonce-store.js';
export { DEFAULT_TIMESTAMP_WINDOW, isFreshTimestamp } from './timestamp.js';
