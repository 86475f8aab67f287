/**
 * `ect serve --db postgres://… [--schema S] [--dir D] [--port N] [--host H] [--name N]`: the built
 * app and a read-only view of the shared ledger from one origin, so the app opens the ledger with
 * a same-origin fetch and its CSP stays `connect-src 'self'`.
 *
 *   GET /api/info     {"server":"ect serve","ledger":{"name","schema","entries","head"}}: cheap,
 *                     what the app asks to know it is served by `ect serve`
 *   GET /api/ledger   the whole ledger as a bundle (bundle.ts, what the Ledger tab imports; the app
 *                     checks its chain and receipts itself)
 *   anything else     a file of the built app (`dist/` by default), with the `_headers` file's
 *                     security headers (or a CSP with connect-src 'self' and frame-ancestors 'none')
 *
 * Read-only: any method but GET and HEAD is 405. A database that cannot answer is a 503 with a JSON
 * body saying so (never a stack, never the connection string). Loopback only unless --host says
 * otherwise. Prints one JSON line `{"url":…}` when listening; SIGINT or SIGTERM stop it (exit 0).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OptionsError } from '../index.ts';
import type { PostgresLedger } from '../stores/postgres.ts';
import { postgresBundle } from '../stores/postgres-bundle.ts';
import { redactUrl } from '../store-error.ts';
import { oneLine } from '../text.ts';
import { headersFor } from './headers-file.ts';
import { staticSite } from './serve-static.ts';
import { openPostgresLedger } from './stores.ts';

const USAGE =
  'ect serve --db postgres://user@host:port/db [--schema S] [--dir D] [--port N] [--host H] [--name N]';

function options(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        schema: { type: 'string' },
        dir: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        name: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length) throw new OptionsError(`serve takes no arguments; ${USAGE}`);
    return values;
  } catch (e) {
    if (e instanceof OptionsError) throw e;
    throw new OptionsError(`${(e as Error).message.split('\n')[0]!}; ${USAGE}`);
  }
}

function port(text: string | undefined): number {
  if (text === undefined) return 8080;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new OptionsError(`--port must be 0-65535, not ${JSON.stringify(text)}`);
  return n;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', String(Buffer.byteLength(text)));
  // The ledger grows: a cached copy would hide entries appended since.
  res.setHeader('cache-control', 'no-store');
  res.end(head ? undefined : text);
}

/** Requests that arrive while the ledger is being read share that read (a reload storm is one query). */
function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => (inFlight ??= read().finally(() => (inFlight = null)));
}

export async function cmdServe(argv: string[]): Promise<number> {
  const values = options(argv);
  if (!values.db) throw new OptionsError(`--db postgres://user@host:port/database is required; ${USAGE}`);
  const db = values.db;
  const listenPort = port(values.port);
  const host = values.host ?? '127.0.0.1';
  const dir = resolve(values.dir ?? 'dist');
  if (!existsSync(join(dir, 'index.html')))
    throw new OptionsError(
      `no built app in ${JSON.stringify(dir)} (no index.html): build it (npm run build) or name it with --dir D`,
    );
  let site: Awaited<ReturnType<typeof staticSite>>;
  try {
    site = await staticSite(dir);
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
  const ledger: PostgresLedger = await openPostgresLedger(db, {
    ...(values.schema === undefined ? {} : { schema: values.schema }),
    migrate: false,
    poolSize: 2,
    // A viewer is answered within 2 s: the ledger, or a 503 saying to try again.
    retryMs: 2000,
  });
  let database = '';
  try {
    database = decodeURIComponent(new URL(db).pathname.slice(1));
  } catch {
    // not a URL: the schema alone names it
  }
  const name = values.name ?? (database ? `${database}/${ledger.schema}` : ledger.schema);

  const info = shared(async () => {
    const entries = await ledger.size();
    const last = entries ? (await ledger.entries(entries, entries))[0] : undefined;
    return {
      server: 'ect serve',
      ledger: {
        name,
        schema: ledger.schema,
        entries,
        head: { seq: last?.seq ?? 0, entryHash: last?.entryHash ?? '0'.repeat(64) },
        signsReceipts: ledger.signsReceipts,
      },
    };
  });
  const bundle = shared(async () => (await postgresBundle(ledger, { name, check: false })).bundle);

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const head = req.method === 'HEAD';
    try {
      if (path === '/api/info') return sendJson(res, 200, await info(), head);
      if (path === '/api/ledger') return sendJson(res, 200, await bundle(), head);
      return sendJson(
        res,
        404,
        { error: 'not_found', message: `no ${path}: GET /api/info or /api/ledger` },
        head,
      );
    } catch (e) {
      process.stderr.write(`ect serve: GET ${path}: ${oneLine((e as Error)?.message ?? String(e))}\n`);
      return sendJson(
        res,
        503,
        { error: 'store_unavailable', message: 'the ledger database did not answer; try again' },
        head,
      );
    }
  }

  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      for (const [k, v] of Object.entries(headersFor(site.rules, '/'))) res.setHeader(k, v);
      res.statusCode = 400;
      res.end('bad request\n');
      return;
    }
    // Every answer gets the security headers, the API's JSON and errors too.
    for (const [k, v] of Object.entries(headersFor(site.rules, path))) res.setHeader(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method_not_allowed', message: 'ect serve is read-only' });
    }
    const done =
      path === '/api' || path.startsWith('/api/') ? api(req, res, path) : site.serve(req, res, path);
    done.catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        new OptionsError(
          e.code === 'EADDRINUSE'
            ? `port ${listenPort} on ${host} is in use: choose another with --port N (0: any free port)`
            : `cannot listen on ${host}:${listenPort}: ${e.message}`,
        ),
      ),
    );
    server.listen(listenPort, host, ok);
  }).catch(async (e: unknown) => {
    await ledger.close();
    throw e;
  });
  const address = server.address() as { port: number };
  const shown = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(
    `${JSON.stringify({
      url: `http://${shown}:${address.port}/`,
      db: redactUrl(db),
      schema: ledger.schema,
      dir,
      headers: site.fromFile ? join(dir, '_headers') : 'default',
    })}\n`,
  );

  return new Promise<number>((done) => {
    const stop = () => {
      server.close();
      server.closeAllConnections();
      void ledger.close().finally(() => done(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
