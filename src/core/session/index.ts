/**
 * Session storages. The backends that need a driver (Redis, MySQL, PostgreSQL, MongoDB) take
 * your own client object and import nothing from the driver at runtime, so a bot on the default
 * SQLite storage installs none of those drivers.
 *
 * @example
 * ```ts
 * import { MemoryStorage, RedisStorage, SQLiteStorage } from 'zgrobot';
 * ```
 *
 * @module
 */
export { FileStorage } from './file.js';
export { MemoryStorage } from './memory.js';
export {
  type MongoCollectionLike,
  MongoDBStorage,
  type MongoSessionDocument,
} from './mongodb.js';
export {
  type MySQLCallbackQueryable,
  type MySQLPromiseQueryable,
  MySQLStorage,
  type MySQLStorageOptions,
} from './mysql.js';
export {
  type PostgreSQLQueryable,
  PostgreSQLStorage,
  type PostgreSQLStorageOptions,
} from './postgresql.js';
export { type RedisClientLike, RedisStorage, type RedisStorageOptions } from './redis.js';
export { SQLiteStorage, type SQLiteStorageOptions } from './sqlite.js';
export type { SessionData, SessionStorage } from './storage.js';
