/**
 * The ECT core: decode, verify, create and audit Execution Context Tokens
 * (draft-nennemann-wimse-ect -00/-01) as ECT-PROFILE.md specifies. Runs
 * unchanged in browsers and Node 20: WebCrypto through jose, no DOM, no storage.
 */
export * from './codes.ts';
export * from './text.ts';
export * from './settings.ts';
export * from './base64url.ts';
export * from './input.ts';
export * from './decode.ts';
export * from './claims.ts';
export * from './steps.ts';
export * from './trust.ts';
export * from './keys.ts';
export * from './replay.ts';
export * from './dag.ts';
export * from './chain.ts';
export * from './checkpoint.ts';
export * from './ledgerCheck.ts';
export * from './bundle.ts';
export * from './ledger.ts';
export * from './verify.ts';
export * from './audit.ts';
export * from './create.ts';
export * from './explanations.ts';
export * from './dictionary.ts';
