/**
 * A ledger receipt signed synchronously with node:crypto, for the PostgreSQL ledger's append,
 * which signs its receipts while it holds the ledger's lock. The core's signReceipt (jose over
 * WebCrypto) is asynchronous: each receipt was a turn of the event loop, in a process whose
 * event loop is busy with verifications, and every other appender waited meanwhile. Measured
 * (bench/stores.ts, 2 processes, load 1.3): signing a batch of 15 under the lock took 4.4 ms of
 * the lock's 11 ms. Synchronously it is one ECDSA signature per entry (about 30 us each).
 *
 * The output is the same compact JWS as signReceipt's (ES256, typ ect-receipt+jwt, kid), and is
 * checked by the core's verifyReceipt (jose) in the tests and by every chain check.
 */
import { KeyObject, sign } from 'node:crypto';
import { RECEIPT_TYP, receiptClaims, type LedgerEntry, type LedgerKey } from '../chain.ts';

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A signer of the receipts of one ledger key. */
export function receiptSigner(key: LedgerKey): (entry: LedgerEntry) => string {
  // KeyObject.from takes the CryptoKey as it is, extractable or not.
  const privateKey = KeyObject.from(key.privateKey);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new TypeError(`the ledger key ${key.kid} must be a P-256 private key: receipts are ES256`);
  const header = b64u(JSON.stringify({ alg: 'ES256', typ: RECEIPT_TYP, kid: key.kid }));
  return (entry) => {
    const input = `${header}.${b64u(JSON.stringify(receiptClaims(entry)))}`;
    // ES256: ECDSA P-256 with SHA-256, the signature as r || s (RFC 7518 section 3.4).
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
}
