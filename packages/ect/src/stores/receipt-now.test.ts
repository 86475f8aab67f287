import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyReceipt, type LedgerEntry } from '../chain.ts';
import { generateSigningKey } from '../keys.ts';
import { receiptSigner } from './receipt-now.ts';

const entry: LedgerEntry = {
  seq: 7,
  token: 'a.b.c',
  jti: 'task-7',
  claims: { jti: 'task-7' },
  appendedAt: 1_765_000_123_456,
  prevHash: GENESIS_HASH,
  entryHash: 'ab'.repeat(32),
};

describe('receiptSigner (the PostgreSQL ledger receipts, signed synchronously)', () => {
  it('makes a receipt the core verifies (jose), with the entry claims and the ledger key id', async () => {
    const key = await generateSigningKey({ kid: 'ledger-1' }); // not extractable, as in use
    const receipt = receiptSigner(key)(entry);
    expect(await verifyReceipt(receipt, key.publicKey)).toEqual({
      seq: 7,
      entry_hash: 'ab'.repeat(32),
      appended_at: 1_765_000_123,
      jti: 'task-7',
    });
    const header = JSON.parse(Buffer.from(receipt.split('.')[0]!, 'base64url').toString()) as object;
    expect(header).toEqual({ alg: 'ES256', typ: 'ect-receipt+jwt', kid: 'ledger-1' });
  });

  it('makes a receipt that another key does not verify', async () => {
    const key = await generateSigningKey({ kid: 'ledger-1' });
    const other = await generateSigningKey({ kid: 'ledger-2' });
    expect(await verifyReceipt(receiptSigner(key)(entry), other.publicKey)).toBeNull();
  });

  it('refuses a key that is not P-256, naming it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    expect(() => receiptSigner({ kid: 'p384', privateKey, publicJwk: {} })).toThrow(
      /ledger key p384 must be a P-256 private key/,
    );
    expect(() => receiptSigner({ kid: 'pub', privateKey: publicKey, publicJwk: {} })).toThrow(
      /P-256 private/,
    );
  });
});
