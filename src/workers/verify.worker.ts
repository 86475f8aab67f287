/**
 * A verification worker: the core's verifyTokens in 'stored' mode (steps 1-10) over a chunk of
 * tokens, answered compactly (verifyProtocol.ts). Several run at once, one per core: WebCrypto
 * checks a signature on the thread that asks (Chromium does it in the call itself), so this is
 * how the signatures of a large import get checked on every core.
 */
import { signatureOutcomeOf, verifyTokens, type TrustStore } from 'wimse-ect';
import type { VerifyRequest, VerifyResponse } from './verifyProtocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<VerifyRequest>) => void) | null;
  postMessage(message: VerifyResponse, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let trust: { id: number; store: TrustStore } | null = null;

scope.onmessage = (event) => {
  const req = event.data;
  if (req.trust) trust = { id: req.trustId, store: req.trust };
  void verifyChunk(req).then(
    (res) => scope.postMessage(res, [res.valid.buffer, res.keyIndex.buffer]),
    (e: unknown) =>
      scope.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }, []),
  );
};

async function verifyChunk(req: VerifyRequest): Promise<Extract<VerifyResponse, { ok: true }>> {
  if (trust?.id !== req.trustId) throw new Error('the worker has not been sent this trust store');
  const { settings } = req;
  const tokens = req.lines !== undefined ? req.lines.split('\n') : (req.tokens ?? []);
  const t0 = performance.now();
  const reports = await verifyTokens(tokens, { trust: trust.store, settings, mode: 'stored' });
  const n = tokens.length;
  const valid = new Uint8Array(n);
  const keyIndex = new Int16Array(n).fill(-1);
  const keys: { kid: string; issuer: string | null }[] = [];
  const keyAt = new Map<string, number>();
  const failures: [number, string][] = [];
  reports.forEach((report, i) => {
    valid[i] = report.valid ? 1 : 0;
    const outcome = signatureOutcomeOf(report);
    if (!outcome) return;
    if (!outcome.ok) {
      failures.push([i, outcome.message]);
      return;
    }
    const name = `${outcome.kid}\u0000${outcome.issuer === null ? '-' : `+${outcome.issuer}`}`;
    let k = keyAt.get(name);
    if (k === undefined) {
      k = keys.length;
      keys.push({ kid: outcome.kid, issuer: outcome.issuer });
      keyAt.set(name, k);
    }
    keyIndex[i] = k;
  });
  return { id: req.id, ok: true, valid, keyIndex, keys, failures, ms: performance.now() - t0 };
}
