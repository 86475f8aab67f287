/**
 * ECTs over HTTP (draft section "Execution-Context HTTP header field" and "HTTP error handling";
 * background/draft-digest.md 4.2 and 4.3): a request verifier on the Fetch API's `Request` (Node
 * with undici, Deno, Bun, Hono, Next.js route handlers…) and a thin adapter for Node's `http` and
 * Express-style middleware.
 *
 * The header holds one or more ECTs as a comma-separated list (repeated fields combine into one:
 * RFC 9110 section 5.3); neither the compact JWS nor the L1 (base64url) alphabet has a comma.
 * Each token is verified in order with the library's verifyToken and the caller's options (trust or
 * key resolver, replay store, ledger or task store), so a parent sent before its child is in the
 * store when the child is checked; valid tokens are appended when a ledger is given.
 *
 * Answers: 400 for a header that cannot be parsed (missing when required, empty, a value that is
 * not a token), 403 for a token that fails verification (never 401: ECTs carry no challenge),
 * 431 for a header too large, 503 when a store could not answer (the token is not accepted);
 * each with a JSON body `{ error, code?, message, index?, jti? }`, never a stack trace.
 */
import type { ErrorCode } from './codes.ts';
import type { JsonObject } from './decode.ts';
import type { Level } from './settings.ts';
import type { VerificationReport, VerifyOptions } from './report.ts';
import { verifyToken } from './verify.ts';
import type { LedgerEntry } from './chain.ts';

/** The HTTP header field that carries ECTs (draft section 4.2). */
export const EXECUTION_CONTEXT_HEADER = 'Execution-Context';

/** verifyToken's options (trust or resolver, replay store, ledger…) and the request's limits. */
export interface RequestVerifierOptions extends Omit<VerifyOptions, 'now' | 'mode'> {
  /** Refuse a request without the header (400). Default true. */
  required?: boolean;
  /** Most ECTs one request may carry. Default 32 (a fan-in of 32 parents). */
  maxTokens?: number;
  /** Largest header value, in bytes of its text. Default 65536. */
  maxHeaderBytes?: number;
  /** The verifier's clock in Unix seconds, read once per request; defaults to the real clock. */
  now?: number | (() => number);
  /** Told of a failure the caller is not told the details of (a store that did not answer). */
  onError?: (error: unknown, request: { method?: string; url?: string }) => void;
}

/** A token the request carried that passed every step. */
export interface VerifiedEct {
  token: string;
  jti: string | null;
  payload: JsonObject;
  level: Level | null;
  /** The ledger entry (with its receipt) when the token was appended. */
  entry?: LedgerEntry;
}

/** What the handler gets: the request's verified ECTs, in header order, and their reports. */
export interface ExecutionContext {
  tokens: VerifiedEct[];
  reports: VerificationReport[];
}

/** The JSON body of a refusal. */
export interface RefusalBody {
  error:
    | 'invalid_execution_context'
    | 'malformed_execution_context'
    | 'missing_execution_context'
    | 'execution_context_too_large'
    | 'store_unavailable'
    | 'internal_error';
  /** The profile's error code of the first failing step, for a refused token. */
  code?: ErrorCode;
  message: string;
  /** Which ECT of the header (0-based). */
  index?: number;
  jti?: string;
}

/** The outcome of verifyRequest: the verified ECTs, or the refusal to answer with (status and JSON body). */
export type RequestVerdict =
  | ({ ok: true } & ExecutionContext)
  | { ok: false; status: 400 | 403 | 431 | 500 | 503; body: RefusalBody; reports: VerificationReport[] };

/** What verifyRequest needs of a Fetch `Headers` (or any object with the same `get`). */
export interface HeadersLike {
  /** The field's value (repeated fields joined with commas), or null when absent. */
  get(name: string): string | null;
}

/** What verifyRequest needs of a Fetch `Request` (any object with its `headers`, `method` and `url`). */
export interface RequestLike {
  /** The request's header fields. */
  readonly headers: HeadersLike;
  /** The request method (for onError). */
  readonly method: string;
  /** The request URL (for onError). */
  readonly url: string;
}

/**
 * The Fetch API's `Response` where the types of the environment declare one (the DOM library or
 * Node's types), `never` where none do: so that this package's types compile without either.
 */
export type FetchResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : never;

/** The ECTs of an Execution-Context field value (or of several, joined with commas). */
export function parseExecutionContext(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((t) => t.length > 0);
}

/** A store's failure, as thrown by the store or wrapped by verifyToken (its `cause` chain). */
function isStoreFailure(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) {
    if (x.name === 'StoreError' || x.name === 'SharedStoreError') return true;
    if ((x as { code?: unknown }).code === 'ERR_ECT_STORE') return true;
  }
  return false;
}

const TOKEN_TEXT = /^[A-Za-z0-9_\-.=]+$/;

function refuse(status: 400 | 403 | 431 | 500 | 503, body: RefusalBody, reports: VerificationReport[] = []) {
  return { ok: false as const, status, body, reports };
}

/**
 * Verifies the Execution-Context header of `request` (a Fetch `Request`, or its `Headers`). Never
 * throws: a failure is a verdict with its status and JSON body.
 */
export async function verifyRequest(
  request: RequestLike | HeadersLike,
  opts: RequestVerifierOptions,
): Promise<RequestVerdict> {
  const headers: HeadersLike = 'headers' in request ? request.headers : request;
  const info = 'url' in request ? { method: request.method, url: request.url } : {};
  const value = headers.get(EXECUTION_CONTEXT_HEADER);
  const maxBytes = opts.maxHeaderBytes ?? 65_536;
  if (value !== null && value.length > maxBytes) {
    return refuse(431, {
      error: 'execution_context_too_large',
      message: `the ${EXECUTION_CONTEXT_HEADER} header has ${value.length} characters; this verifier takes at most ${maxBytes}`,
    });
  }
  const tokens = value === null ? [] : parseExecutionContext(value);
  if (!tokens.length) {
    if (value === null && opts.required === false) return { ok: true, tokens: [], reports: [] };
    return refuse(400, {
      error: value === null ? 'missing_execution_context' : 'malformed_execution_context',
      message:
        value === null
          ? `this endpoint needs an ${EXECUTION_CONTEXT_HEADER} header carrying the ECT of the calling task`
          : `the ${EXECUTION_CONTEXT_HEADER} header holds no token`,
    });
  }
  const max = opts.maxTokens ?? 32;
  if (tokens.length > max) {
    return refuse(400, {
      error: 'malformed_execution_context',
      message: `the ${EXECUTION_CONTEXT_HEADER} header carries ${tokens.length} ECTs; this verifier takes at most ${max}`,
    });
  }
  const bad = tokens.findIndex((t) => !TOKEN_TEXT.test(t));
  if (bad >= 0) {
    return refuse(400, {
      error: 'malformed_execution_context',
      code: 'malformed',
      index: bad,
      message: `ECT ${bad} of the ${EXECUTION_CONTEXT_HEADER} header has characters no compact JWS or L1 token has; separate several ECTs with commas`,
    });
  }
  const now = typeof opts.now === 'function' ? opts.now() : (opts.now ?? Math.floor(Date.now() / 1000));
  const { required: _r, maxTokens: _m, maxHeaderBytes: _b, onError, now: _n, ...verifyOpts } = opts;
  const reports: VerificationReport[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let report: VerificationReport;
    try {
      report = await verifyToken(tokens[i]!, { ...verifyOpts, now } as VerifyOptions);
    } catch (e) {
      onError?.(e, info);
      const store = isStoreFailure(e);
      return refuse(
        store ? 503 : 500,
        {
          error: store ? 'store_unavailable' : 'internal_error',
          index: i,
          message: store
            ? `ECT ${i} was not accepted: the verifier's replay store or ledger did not answer; retry later`
            : `ECT ${i} could not be verified: the verifier failed`,
        },
        reports,
      );
    }
    reports.push(report);
    if (!report.valid) {
      const problem = report.steps.flatMap((s) => s.problems)[0];
      const malformed = report.code === 'malformed';
      return refuse(
        malformed ? 400 : 403,
        {
          error: malformed ? 'malformed_execution_context' : 'invalid_execution_context',
          ...(report.code ? { code: report.code } : {}),
          message: problem?.message ?? 'the ECT failed verification',
          index: i,
          ...(report.jti ? { jti: report.jti } : {}),
        },
        reports,
      );
    }
  }
  return {
    ok: true,
    reports,
    tokens: reports.map((r) => ({
      token: r.token,
      jti: r.jti,
      payload: r.payload!,
      level: r.level,
      ...(r.entry ? { entry: r.entry } : {}),
    })),
  };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** The Fetch `Response` of a refusal. */
export function refusalResponse(verdict: Extract<RequestVerdict, { ok: false }>): FetchResponse {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (verdict.status === 503) headers['retry-after'] = '1';
  // The runtime's Response (Node 18+, browsers, Deno, Bun), named without the DOM's types.
  const { Response } = globalThis as unknown as {
    Response: new (body: string, init: { status: number; headers: Record<string, string> }) => FetchResponse;
  };
  return new Response(JSON.stringify(verdict.body), { status: verdict.status, headers });
}

/**
 * Wraps a Fetch handler (`(request) => Response`): the handler runs only when every ECT of the
 * request verified, and gets them; a refusal is answered here.
 */
export function withExecutionContext<Req extends RequestLike>(
  handler: (request: Req, ect: ExecutionContext) => FetchResponse | Promise<FetchResponse>,
  opts: RequestVerifierOptions,
): (request: Req) => Promise<FetchResponse> {
  return async (request) => {
    const verdict = await verifyRequest(request, opts);
    if (!verdict.ok) return refusalResponse(verdict);
    return handler(request, { tokens: verdict.tokens, reports: verdict.reports });
  };
}

/** What the Node adapter needs of Node's `IncomingMessage` (and Express's `req`). */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  ect?: ExecutionContext;
}

/** What the Node adapter needs of Node's `ServerResponse` (and Express's `res`). */
export interface NodeResponseLike {
  statusCode: number;
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and ends the response. */
  end(body?: string): unknown;
}

/**
 * Node `http` / Express middleware: `(req, res, next)`. On success `req.ect` holds the verified
 * ECTs and `next()` is called; a refusal is answered with its status and JSON body.
 */
export function executionContextMiddleware(opts: RequestVerifierOptions) {
  return (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void): void => {
    const raw = req.headers['execution-context'];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    const headers: HeadersLike = {
      get: (name) => (name.toLowerCase() === 'execution-context' ? (value ?? null) : null),
    };
    const info = { ...(req.method ? { method: req.method } : {}), ...(req.url ? { url: req.url } : {}) };
    verifyRequest(headers, { ...opts, onError: (e) => opts.onError?.(e, info) }).then(
      (verdict) => {
        if (verdict.ok) {
          req.ect = { tokens: verdict.tokens, reports: verdict.reports };
          next();
          return;
        }
        res.statusCode = verdict.status;
        for (const [k, v] of Object.entries(JSON_HEADERS)) res.setHeader(k, v);
        if (verdict.status === 503) res.setHeader('retry-after', '1');
        res.end(JSON.stringify(verdict.body));
      },
      (e: unknown) => next(e),
    );
  };
}
