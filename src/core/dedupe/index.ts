/**
 * Stores for the retry-dedup stage. See {@link DedupeStore}.
 * @module
 */
export { MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory.js';
export { type RedisDedupeClient, RedisDedupeStore, type RedisDedupeStoreOptions } from './redis.js';
export type { DedupeClaim, DedupeStore, DeliveryChannel } from './store.js';
