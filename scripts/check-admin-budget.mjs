// The admin console's initial JavaScript must stay within 250 kB gzip (issue 5). Angular's
// budgets measure raw bytes only, so this check gzips what index.html loads before any lazy
// route: its module scripts and their modulepreload links.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const LIMIT_BYTES = 250 * 1000;
const browser = new URL('../dist/admin/browser/', import.meta.url).pathname;
const html = readFileSync(join(browser, 'index.html'), 'utf8');
const files = new Set(
  [
    ...html.matchAll(
      /<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g,
    ),
  ].map((match) => match[1]),
);
const gzipped = [...files].reduce(
  (sum, file) => sum + gzipSync(readFileSync(join(browser, file)), { level: 9 }).length,
  0,
);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
console.log(
  `admin initial JS: ${files.size} files, ${kb(gzipped)} gzip (budget ${kb(LIMIT_BYTES)})`,
);
if (files.size === 0 || gzipped > LIMIT_BYTES) {
  console.error('admin initial JS exceeds its gzip budget (or none was found)');
  process.exit(1);
}
