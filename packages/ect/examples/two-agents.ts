/**
 * Two agents over HTTP on localhost, with the library's request verifier.
 *
 *   npm run example:http                                       (in-memory stores)
 *   ECT_REPLAY=redis://127.0.0.1:6379 ECT_STORE=postgres://postgres@127.0.0.1:5432/ect \
 *     npm run example:http                                     (shared stores)
 *
 * Agent B serves POST /summarize behind `executionContextMiddleware`: every request must carry
 * the caller's ECT in the Execution-Context header; B verifies it (trust store, replay store,
 * DAG rules), appends it to its ledger, does the task and answers with its own ECT, whose `pred`
 * names A's task. Agent A sends a task, checks B's answer against its own ledger, then shows what
 * B refuses: the same token again (403 replay) and a header that is not a token (400).
 */
import { createServer } from 'node:http';
import {
  createToken,
  executionContextMiddleware,
  generateSigningKey,
  MemoryLedger,
  MemoryReplayStore,
  parseTrustStore,
  verifyToken,
  type Ledger,
  type NodeRequestLike,
  type ReplayStore,
} from 'wimse-ect';

const A = 'spiffe://example.com/agent/a';
const B = 'spiffe://example.com/agent/b';
const keyA = await generateSigningKey({ kid: 'agent-a-key' });
const keyB = await generateSigningKey({ kid: 'agent-b-key' });
const trust = parseTrustStore({
  issuers: { [A]: { keys: [keyA.publicJwk] }, [B]: { keys: [keyB.publicJwk] } },
});

// B's stores: in memory, or shared with every other instance of B when the environment names them.
const closers: (() => Promise<void>)[] = [];
let replay: ReplayStore = new MemoryReplayStore();
let ledger: Ledger = new MemoryLedger();
if (process.env.ECT_REPLAY) {
  const { RedisReplayStore } = await import('wimse-ect/redis');
  const r = await RedisReplayStore.connect(process.env.ECT_REPLAY);
  closers.push(() => r.close());
  replay = r;
}
if (process.env.ECT_STORE) {
  const { PostgresLedger } = await import('wimse-ect/postgres');
  const l = await PostgresLedger.connect(process.env.ECT_STORE);
  closers.push(() => l.close());
  ledger = l;
}

// ---- agent B: the server
const verifyEct = executionContextMiddleware({ trust, audience: B, replay, ledger });
const server = createServer((req, res) =>
  verifyEct(req as NodeRequestLike, res, async (err) => {
    if (err) {
      res.statusCode = 500;
      res.end();
      return;
    }
    const [caller] = (req as NodeRequestLike).ect!.tokens;
    const { token } = await createToken(
      { iss: B, aud: [A], exec_act: 'summarize', pred: [caller!.jti!] },
      { key: keyB.privateKey, kid: 'agent-b-key' },
    );
    res.setHeader('content-type', 'application/json');
    res.setHeader('execution-context', token);
    res.end(JSON.stringify({ summary: 'three findings', appendedAs: caller!.entry?.seq }));
  }),
);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/summarize`;
console.log(`agent B listens on ${url}`);

// ---- agent A: the client
const aLedger = new MemoryLedger();
const { token: task, payload: claims } = await createToken(
  { iss: A, aud: [B], exec_act: 'review_spec', pred: [] },
  { key: keyA.privateKey, kid: 'agent-a-key' },
);
await aLedger.append(task, claims); // A keeps its own task, to check B's answer against
const post = (header: string) => fetch(url, { method: 'POST', headers: { 'Execution-Context': header } });

const ok = await post(task);
console.log(`A -> B  task ${claims.jti}: ${ok.status} ${await ok.text()}`);
const answer = await verifyToken(ok.headers.get('execution-context') ?? '', {
  trust,
  audience: A,
  store: aLedger,
});
console.log(
  `A checks B's ECT: ${answer.valid ? `valid, pred ${JSON.stringify(answer.payload?.pred)}` : answer.code}`,
);

const replayed = await post(task);
console.log(`A -> B  same token again: ${replayed.status} ${await replayed.text()}`);
const garbage = await post('not a token');
console.log(`A -> B  not a token: ${garbage.status} ${await garbage.text()}`);

server.close();
await Promise.all(closers.map((c) => c()));
const good = ok.status === 200 && answer.valid && replayed.status === 403 && garbage.status === 400;
process.exitCode = good ? 0 : 1;
