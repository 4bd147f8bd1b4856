/**
 * The kind of code a profiled function belongs to, by its script's URL: fast-xml-parser (with the
 * libraries it brings), zgrobot's own (src/, middleware/, built or not), another package by name,
 * the bench scenario, or Node. Shared by bench/profile.ts (CPU) and bench/alloc.ts (allocations).
 */
export function kindOfUrl(url: string): string {
  if (/fast-xml-parser|path-expression-matcher|@nodable|strnum|is-unsafe/.test(url)) {
    return 'fast-xml-parser';
  }
  if (url.includes('/bench/')) return 'the scenario itself (bench/)';
  if (/\/(dist\/)?(src|middleware)\//.test(url) && !url.includes('node_modules')) return 'zgrobot';
  if (url.includes('node_modules'))
    return url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1');
  if (url.startsWith('node:internal/crypto')) return 'node:crypto (SHA-1, AES)';
  return 'Node (http, streams, timers, promises)';
}
