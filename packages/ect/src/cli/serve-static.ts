/**
 * The static half of `ect serve`: the built app's files, with the security headers of the static
 * host file (`_headers` in the build, the format of Netlify and Cloudflare Pages: a path pattern on
 * its own line, then indented `Name: value` lines). Without one, a CSP that keeps the app's
 * connections on its own origin and forbids framing.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { parseHeadersFile, type HeaderRules } from './headers-file.ts';

/**
 * The CSP index.html carries in its meta tag, plus frame-ancestors (a meta tag cannot set it): what
 * `ect serve` sends when the build has no `_headers`.
 */
export const DEFAULT_HEADERS: HeaderRules = [
  {
    path: '/*',
    headers: {
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  },
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The built app in `dir`: its `_headers` (or the defaults) and a handler for GET and HEAD (the
 * caller sets the security headers of every response: `headersFor(site.rules, path)`).
 */
export async function staticSite(dir: string): Promise<{
  rules: HeaderRules;
  fromFile: boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}> {
  const root = resolve(dir);
  let headersText: string | null = null;
  try {
    headersText = await readFile(join(root, '_headers'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let rules = DEFAULT_HEADERS;
  if (headersText !== null) {
    try {
      rules = parseHeadersFile(headersText);
    } catch (e) {
      throw new Error(`${join(root, '_headers')}: ${(e as Error).message}`, { cause: e });
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    // The URL's path, decoded: no `..` segment, no NUL, no backslash; then it must stay inside root.
    const segments = path.split('/').filter(Boolean);
    const file = resolve(root, ...(segments.length ? segments : ['index.html']));
    let info: Stats | null = null;
    if (
      segments.every((s) => s !== '..' && !s.includes('\0') && !s.includes('\\')) &&
      file.startsWith(root + sep) &&
      !segments.some((s) => s.startsWith('.'))
    )
      info = await stat(file).catch(() => null);
    if (!info?.isFile() || segments[0] === '_headers') {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end('not found\n');
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('content-length', String(info.size));
    // Vite names the files under assets/ by their content hash: they never change. A Cache-Control
    // of the `_headers` file (say `/sw.js`: no-cache) comes first.
    if (!res.hasHeader('cache-control'))
      res.setHeader(
        'cache-control',
        segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((done) => {
      const stream = createReadStream(file);
      stream.on('error', () => {
        res.destroy();
        done();
      });
      stream.on('end', done);
      stream.pipe(res);
    });
  }
  return { rules, fromFile: headersText !== null, serve };
}
