/**
 * One verifier process for the many-verifiers tests: an HTTP server on a free loopback port whose
 * requests are verified by the library's Node middleware against the shared Redis replay store and
 * PostgreSQL ledger named in its environment. Prints `listening <port>` once it serves.
 *
 * Environment: ECT_TEST_REDIS, ECT_TEST_PG (connection strings), ECT_TEST_SCHEMA, ECT_TEST_PREFIX,
 * ECT_TEST_TRUST (a trust store file), ECT_TEST_LEDGER_KEY (the ledger's private JWK file, with kid),
 * ECT_TEST_AUDIENCE.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  executionContextMiddleware,
  importPrivateJwk,
  parseTrustStore,
  type NodeRequestLike,
} from '../src/index.ts';
import { PostgresLedger } from '../src/stores/postgres.ts';
import { RedisReplayStore } from '../src/stores/redis.ts';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const jwk = JSON.parse(readFileSync(env('ECT_TEST_LEDGER_KEY'), 'utf8')) as {
  kid: string;
  x: string;
  y: string;
};
const { d: _d, ...publicJwk } = jwk as Record<string, unknown>;
const key = { kid: jwk.kid, privateKey: await importPrivateJwk(jwk as never), publicJwk: publicJwk as never };
const [replay, ledger] = await Promise.all([
  RedisReplayStore.connect(env('ECT_TEST_REDIS'), { prefix: env('ECT_TEST_PREFIX') }),
  PostgresLedger.connect(env('ECT_TEST_PG'), { schema: env('ECT_TEST_SCHEMA'), key }),
]);
const verify = executionContextMiddleware({
  trust: parseTrustStore(JSON.parse(readFileSync(env('ECT_TEST_TRUST'), 'utf8'))),
  audience: env('ECT_TEST_AUDIENCE'),
  replay,
  ledger,
});

const server = createServer((req, res) =>
  verify(req as NodeRequestLike, res, (err) => {
    res.setHeader('content-type', 'application/json');
    if (err) {
      res.statusCode = 500;
      res.end('{"error":"internal_error"}');
      return;
    }
    const [t] = (req as NodeRequestLike).ect!.tokens;
    res.end(JSON.stringify({ jti: t?.jti, seq: t?.entry?.seq, pid: process.pid }));
  }),
);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void Promise.allSettled([replay.close(), ledger.close()]).then(() => process.exit(0));
});
