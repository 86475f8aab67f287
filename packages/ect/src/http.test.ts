import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claims, makeAgent, NOW, sign, trustFor } from '../test/fixtures.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryReplayStore } from './replay.ts';
import { SharedStoreError } from './store-error.ts';
import {
  executionContextMiddleware,
  parseExecutionContext,
  refusalResponse,
  verifyRequest,
  withExecutionContext,
  type NodeRequestLike,
  type RequestVerifierOptions,
} from './http.ts';

const alice = await makeAgent('alice');
const trust = trustFor(alice);
const BOB = 'spiffe://example.com/agent/b';

function options(
  extra: Partial<RequestVerifierOptions> = {},
): RequestVerifierOptions & { ledger: MemoryLedger } {
  return {
    trust,
    audience: BOB,
    now: NOW,
    replay: new MemoryReplayStore(),
    ledger: new MemoryLedger(),
    ...extra,
  } as never;
}

const request = (...values: string[]) => {
  const headers = new Headers();
  for (const v of values) headers.append('Execution-Context', v);
  return new Request('http://127.0.0.1/task', { method: 'POST', headers });
};

async function bodyOf(r: Response) {
  expect(r.headers.get('content-type')).toBe('application/json');
  const text = await r.text();
  expect(text).not.toMatch(/\n\s+at |Error:|node_modules/); // never a stack
  return JSON.parse(text) as Record<string, unknown>;
}

describe('parseExecutionContext', () => {
  it('splits a comma-separated list and drops empty elements and whitespace (RFC 9110 lists)', () => {
    expect(parseExecutionContext(' a.b.c ,\td.e.f,, ,g ')).toEqual(['a.b.c', 'd.e.f', 'g']);
    expect(parseExecutionContext('')).toEqual([]);
  });
});

describe('verifyRequest', () => {
  it('hands on the verified ECTs and appends them to the ledger', async () => {
    const opts = options();
    const c = claims(alice);
    const token = await sign(alice, c);
    const v = await verifyRequest(request(token), opts);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.tokens).toHaveLength(1);
    expect(v.tokens[0]).toMatchObject({ token, jti: c.jti, payload: { exec_act: 'review_spec' } });
    expect(v.tokens[0]!.entry?.seq).toBe(1);
    expect((await opts.ledger.entries()).map((e) => e.token)).toEqual([token]);
  });

  it('verifies several ECTs in header order, repeated fields included: a parent before its child', async () => {
    const opts = options();
    const parent = claims(alice);
    const child = claims(alice, { pred: [parent.jti as string] });
    const other = claims(alice);
    const v = await verifyRequest(
      request(`${await sign(alice, parent)}, ${await sign(alice, child)}`, await sign(alice, other)),
      opts,
    );
    expect(v.ok && v.tokens.map((t) => t.jti)).toEqual([parent.jti, child.jti, other.jti]);
    expect(await opts.ledger.size()).toBe(3);
  });

  it('refuses a replayed ECT with 403 and its code as JSON', async () => {
    const opts = options();
    const token = await sign(alice, claims(alice));
    expect((await verifyRequest(request(token), opts)).ok).toBe(true);
    const v = await verifyRequest(request(token), opts);
    expect(v).toMatchObject({ ok: false, status: 403 });
    if (v.ok) return;
    const r = refusalResponse(v);
    expect(r.status).toBe(403);
    const body = await bodyOf(r);
    expect(body).toMatchObject({ error: 'invalid_execution_context', code: 'replay', index: 0 });
    expect(body.message).toMatch(/already accepted/);
    expect(await opts.ledger.size()).toBe(1);
  });

  it('refuses a child whose parent is unknown (403 parent_not_found), and an expired ECT (403 expired)', async () => {
    const orphan = await sign(alice, claims(alice, { pred: ['00000000-0000-4000-8000-0000000fffff'] }));
    expect(await verifyRequest(request(orphan), options())).toMatchObject({
      status: 403,
      body: { code: 'parent_not_found' },
    });
    const old = await sign(alice, claims(alice));
    expect(await verifyRequest(request(old), options({ now: NOW + 3600 }))).toMatchObject({
      status: 403,
      body: { code: 'expired', index: 0 },
    });
  });

  it('answers 400 for a header that cannot be parsed, a missing one, or one without a token', async () => {
    const good = await sign(alice, claims(alice));
    expect(await verifyRequest(request(`${good}, not a token!`), options())).toMatchObject({
      status: 400,
      body: { error: 'malformed_execution_context', code: 'malformed', index: 1 },
    });
    expect(await verifyRequest(request('abc.def'), options())).toMatchObject({
      status: 400,
      body: { error: 'malformed_execution_context', code: 'malformed', index: 0 },
    });
    expect(await verifyRequest(request(' , '), options())).toMatchObject({ status: 400 });
    expect(await verifyRequest(request(), options())).toMatchObject({
      status: 400,
      body: { error: 'missing_execution_context' },
    });
    expect(await verifyRequest(request(), options({ required: false }))).toMatchObject({
      ok: true,
      tokens: [],
    });
    expect(await verifyRequest(request('a.b.c,'.repeat(5)), options({ maxTokens: 4 }))).toMatchObject({
      status: 400,
    });
    expect(await verifyRequest(request('a'.repeat(100)), options({ maxHeaderBytes: 50 }))).toMatchObject({
      status: 431,
    });
  });

  it('fails closed with 503 when a store cannot answer, without its address or stack', async () => {
    const errors: unknown[] = [];
    const ledger = new MemoryLedger();
    ledger.append = () =>
      Promise.reject(
        new SharedStoreError('unavailable', 'postgres', 'the ledger at postgres://db:5432/x is down'),
      );
    const v = await verifyRequest(
      request(await sign(alice, claims(alice))),
      options({ ledger, onError: (e) => errors.push(e) }),
    );
    expect(v).toMatchObject({ ok: false, status: 503, body: { error: 'store_unavailable', index: 0 } });
    if (v.ok) return;
    const r = refusalResponse(v);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(await bodyOf(r))).not.toMatch(/postgres:|5432/);
    expect(errors).toHaveLength(1);
  });

  it('withExecutionContext runs the handler only for a verified request', async () => {
    let calls = 0;
    const handle = withExecutionContext((_req, ect) => {
      calls++;
      return Response.json({ got: ect.tokens.map((t) => t.jti) });
    }, options());
    const c = claims(alice);
    const ok = await handle(request(await sign(alice, c)));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ got: [c.jti] });
    const refused = await handle(request('x'));
    expect(refused.status).toBe(400);
    expect(calls).toBe(1);
  });
});

describe('executionContextMiddleware on a Node http server', () => {
  let server: Server;
  let base = '';
  const opts = options();
  beforeAll(async () => {
    const mw = executionContextMiddleware(opts);
    server = createServer((req, res) =>
      mw(req as NodeRequestLike, res, (err) => {
        res.setHeader('content-type', 'application/json');
        if (err) {
          res.statusCode = 500;
          res.end('{}');
          return;
        }
        res.end(JSON.stringify({ jtis: (req as NodeRequestLike).ect!.tokens.map((t) => t.jti) }));
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('passes verified ECTs on in req.ect and answers refusals itself', async () => {
    const c = claims(alice);
    const token = await sign(alice, c);
    const send = (headers: Record<string, string>) => fetch(`${base}/task`, { method: 'POST', headers });
    const ok = await send({ 'Execution-Context': token });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ jtis: [c.jti] });
    const replay = await send({ 'Execution-Context': token });
    expect(replay.status).toBe(403);
    expect(await bodyOf(replay)).toMatchObject({ code: 'replay', jti: c.jti });
    const none = await send({});
    expect(none.status).toBe(400);
    expect(await bodyOf(none)).toMatchObject({ error: 'missing_execution_context' });
  });
});
