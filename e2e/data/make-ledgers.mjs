#!/usr/bin/env node
/**
 * Test ledgers for the Ledger e2e tests, signed with the conformance vectors' published test
 * keys (agent a, b, c: the app's keyring seeds exactly these on a first visit, so the tokens
 * verify in the app). Plain Node 20 ESM, node:crypto only.
 *
 *   node e2e/data/make-ledgers.mjs         writes e2e/data/ledger-defects.json
 *
 * The tests import `defectLedger()` and `cleanTokens()` from here too; 10,000-token sets are made
 * at test time, never committed. Timestamps are fixed (iat around 1767225000), so every audit of
 * these sets is the same (a stored-set audit ignores exp).
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS = new URL('../../../shared/conformance/sample-vectors.json', import.meta.url);

/** Agent a, b, c of the conformance vectors: { iss, kid, key (node KeyObject) }. */
function loadAgents() {
  const { keys } = JSON.parse(readFileSync(VECTORS, 'utf8'));
  const agents = {};
  for (const name of ['agent-a', 'agent-b', 'agent-c']) {
    const k = keys[name];
    agents[name] = { iss: k.iss, kid: k.kid, key: createPrivateKey({ key: k.jwk, format: 'jwk' }) };
  }
  return agents;
}

let cachedAgents;
const agents = () => (cachedAgents ??= loadAgents());

const b64url = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact ES256 JWS (`typ` exec+jwt) over `payload`, signed by `agent` ('agent-a' | 'agent-b' | 'agent-c'). */
export function signToken(agent, payload) {
  const a = agents()[agent];
  const input = `${b64url({ alg: 'ES256', kid: a.kid, typ: 'exec+jwt' })}.${b64url(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key: a.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** A deterministic random-looking UUID (version 4 layout) from a namespace number and a counter. */
export function uuid(ns, n) {
  const h = createHash('sha256').update(`${ns}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const BASE_IAT = 1767225000;
const AUD = ['spiffe://example.com/agent/b', 'https://ledger.example.com'];

function claims(agent, { jti, wid, iat, exec_act, pred, ext }) {
  return {
    iss: agents()[agent].iss,
    aud: AUD,
    iat,
    exp: iat + 600,
    jti,
    ...(wid === undefined ? {} : { wid }),
    exec_act,
    pred,
    ...(ext ? { ect_ext: ext } : {}),
  };
}

/**
 * About a dozen tokens of one workflow with every planted defect, in this order:
 * the tokens, and what the audit must say about each named task:
 * `expected[name] = { jti, codes, tainted }` (codes sorted; tainted nodes are valid).
 */
export function defectLedger() {
  const W = uuid(0x11110000, 1);
  const W2 = uuid(0x22220000, 2);
  const id = (n) => uuid(0xd0000000, n);
  const t = (s) => BASE_IAT + s;
  const tasks = [
    // name, agent, jti, wid, iat, exec_act, pred, extra
    ['root', 'agent-a', id(1), W, t(0), 'plan_release', []],
    ['build', 'agent-b', id(2), W, t(60), 'build_artifact', [id(1)]],
    ['test', 'agent-c', id(3), W, t(120), 'run_tests', [id(2)]],
    ['orphan', 'agent-b', id(4), W, t(130), 'fetch_deps', [id(99)]], // parent_not_found
    ['cycleA', 'agent-a', id(5), W, t(140), 'sync_state', [id(6)]], // cycle with cycleB
    ['cycleB', 'agent-b', id(6), W, t(150), 'sync_state', [id(5)]],
    ['dup1', 'agent-c', id(7), W, t(160), 'lint_code', [id(1)]], // duplicate_jti (both copies)
    ['dup2', 'agent-c', id(7), W, t(170), 'lint_again', [id(1)]],
    ['early', 'agent-a', id(8), W, t(-300), 'sign_off', [id(3)]], // temporal_violation: parent 7 min later
    ['stranger', 'agent-b', id(9), W2, t(180), 'notify_team', [id(1)]], // workflow_mismatch
    [
      'rejected',
      'agent-a',
      id(10),
      W,
      t(190),
      'approve_deploy',
      [id(2)],
      { pol: 'deploy-policy-v1', pol_decision: 'rejected' },
    ],
    ['deploy', 'agent-b', id(11), W, t(200), 'deploy_prod', [id(10)]], // parent_policy
    ['tampered', 'agent-c', id(12), W, t(210), 'publish_docs', [id(3)]], // invalid_signature
    ['downstream', 'agent-a', id(13), W, t(220), 'announce', [id(12)]], // tainted by tampered
  ];
  const tokens = [];
  const expected = {};
  for (const [name, agent, jti, wid, iat, exec_act, pred, ext] of tasks) {
    const payload = claims(agent, { jti, wid, iat, exec_act, pred, ext });
    let token = signToken(agent, payload);
    if (name === 'tampered') {
      // The payload is changed after signing (the action rewritten): the signature no longer matches.
      const [h, , s] = token.split('.');
      token = `${h}.${b64url({ ...payload, exec_act: 'publish_secrets' })}.${s}`;
    }
    tokens.push(token);
    expected[name] = { jti, codes: [], tainted: false };
  }
  const mark = (name, code) => expected[name].codes.push(code);
  mark('orphan', 'parent_not_found');
  mark('cycleA', 'cycle');
  mark('cycleB', 'cycle');
  mark('dup1', 'duplicate_jti');
  mark('dup2', 'duplicate_jti');
  mark('early', 'temporal_violation');
  mark('stranger', 'workflow_mismatch');
  mark('deploy', 'parent_policy');
  mark('tampered', 'invalid_signature');
  expected.downstream.tainted = true;
  return { tokens, expected, missingParent: id(99) };
}

/**
 * `count` clean tokens: `workflows` workflows, each a binary tree of tasks (task k names task
 * (k-1)/2 as its predecessor), issued by agents a, b, c in turn, iat increasing by one second.
 * `ns` keeps sets made with different numbers apart (no shared jti).
 */
export function cleanTokens(count, { ns = 0xc1ea0000, workflows = 10 } = {}) {
  const names = ['agent-a', 'agent-b', 'agent-c'];
  const acts = ['plan_release', 'build_artifact', 'run_tests', 'review_spec', 'deploy_prod'];
  const perWorkflow = Math.ceil(count / workflows);
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const w = Math.floor(i / perWorkflow);
    const k = i % perWorkflow;
    const wid = uuid(ns + 0x100 + w, w);
    const jti = uuid(ns, i);
    const pred = k === 0 ? [] : [uuid(ns, w * perWorkflow + Math.floor((k - 1) / 2))];
    tokens.push(
      signToken(
        names[i % 3],
        claims(names[i % 3], { jti, wid, iat: BASE_IAT + k, exec_act: acts[i % acts.length], pred }),
      ),
    );
  }
  return tokens;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('./ledger-defects.json', import.meta.url);
  const { tokens } = defectLedger();
  writeFileSync(out, `${JSON.stringify(tokens, null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(out)} (${tokens.length} tokens)`);
}
