/**
 * What the sixteen steps (verify.ts's generator) wait for, and the asynchronous verifier's answers
 * to it with the caller's resolver, stores and ledger: a store that fails becomes a StoreError
 * that says which step and that the token was not accepted. Split from verify.ts.
 */
import type { LedgerEntry } from './chain.ts';
import type { TaskRecord } from './dag.ts';
import type { JsonObject } from './decode.ts';
import { StoreError } from './errors.ts';
import type { VerifyOptions } from './report.ts';
import { resolveWithResolver, type ResolverOutcome } from './resolver.ts';
import { checkSignature, type KeyCandidate, type SignatureOutcome } from './signature.ts';

/** What the steps wait for: a key, a signature check, task records, the replay store, an append. */
export type Pending =
  | { kind: 'key'; kid: string; iss: string | undefined }
  | {
      kind: 'signature';
      token: string;
      parts: readonly [string, string, string];
      alg: string;
      candidates: readonly KeyCandidate[];
      crit: unknown[];
    }
  | { kind: 'tasks'; jtis: readonly string[] }
  | { kind: 'seen'; jti: string; now: number }
  | { kind: 'record'; jti: string; until: number; now: number }
  /** `recorded`: the jti this verification recorded for replay (released if nothing is written). */
  | { kind: 'append'; token: string; payload: JsonObject; now: number; recorded: string | null };

export type Answer = ResolverOutcome | SignatureOutcome | readonly TaskRecord[] | boolean | LedgerEntry;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Does what a step waits for, with the caller's resolver, stores and ledger. */
export async function answer(job: Pending, opts: VerifyOptions): Promise<Answer> {
  switch (job.kind) {
    case 'key':
      return resolveWithResolver(opts.resolveKey!, job.kid, job.iss);
    case 'signature':
      return checkSignature(job.token, job.parts, job.alg, job.candidates, job.crit);
    case 'tasks': {
      let got: unknown;
      try {
        got = await (opts.store ?? opts.ledger)!.tasks(job.jtis);
      } catch (e) {
        throw new StoreError(
          `the task store failed to look up ${job.jtis.length} task(s) for the DAG rules (step 15): ${messageOf(e)}; the token was not accepted`,
          e,
        );
      }
      if (!Array.isArray(got))
        throw new StoreError(
          `the task store's tasks() resolved to ${got === null ? 'null' : typeof got}, not an array of task records; the token was not accepted`,
          got,
        );
      return got as readonly TaskRecord[];
    }
    case 'seen':
    case 'record':
      try {
        const replay = opts.replay!;
        return job.kind === 'seen'
          ? Boolean(await replay.has!(job.jti, job.now))
          : (await replay.checkAndRecord(job.jti, job.until, job.now)) === true;
      } catch (e) {
        throw new StoreError(
          `the replay store failed (step 14): ${messageOf(e)}; the token was not accepted`,
          e,
        );
      }
    case 'append':
      try {
        return await opts.ledger!.append(job.token, job.payload, { now: job.now });
      } catch (e) {
        throw new StoreError(
          `the ledger failed to append the token (step 16): ${messageOf(e)}; it was not accepted${await releaseAfter(e, job.recorded, opts)}`,
          e,
        );
      }
  }
}

/**
 * After a failed append: releases the token's replay record when the ledger says nothing was
 * written, so that the same token can be sent again (the replay check is about tokens accepted);
 * otherwise the record stays (the append may have gone through). Says which, for the message.
 */
async function releaseAfter(e: unknown, jti: string | null, opts: VerifyOptions): Promise<string> {
  const replay = opts.replay;
  if (!replay || jti === null) return '';
  const nothingWritten = (e as { nothingWritten?: unknown } | null)?.nothingWritten === true;
  if (!nothingWritten || !replay.release)
    return ' (its jti stays recorded for replay: whether the append went through is not known)';
  try {
    await replay.release(jti);
    return '; nothing was written and its jti was released: the same token can be sent again';
  } catch (r) {
    return `; nothing was written, but its jti could not be released (${messageOf(r)}): the same token would be refused as a replay until it expires`;
  }
}
