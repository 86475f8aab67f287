/** The introduction: what an ECT is, why (the audit story), the levels, -00 vs -01. */
import type { ReactNode } from 'react';
import { ClaimLink } from '../../components/ClaimLink.tsx';
import { CodeLink } from '../../components/CodeLink.tsx';
import { hashFor } from '../../state/router.ts';

const C = ({ children }: { children: ReactNode }) => (
  <code className="font-mono text-[0.92em]">{children}</code>
);
const L = ({ name }: { name: string }) => (
  <code className="font-mono text-[0.92em]">
    <ClaimLink name={name} />
  </code>
);

const TH = 'px-2 py-1 text-left text-xs font-semibold text-slate-600 dark:text-slate-400';
const TD = 'border-t border-slate-100 px-2 py-1.5 align-top dark:border-slate-800';

const EXAMPLE = `{
  "iss": "spiffe://example.com/agent/b",
  "aud": ["spiffe://example.com/agent/c"],
  "iat": 1767225600,
  "exp": 1767226200,
  "jti": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  "wid": "a0b1c2d3-e4f5-6789-abcd-ef0123456789",
  "exec_act": "implement_module",
  "pred": ["550e8400-e29b-41d4-a716-446655440000"]
}`;

export function Intro() {
  return (
    <div className="flex flex-col gap-4 text-sm leading-relaxed text-slate-800 dark:text-slate-200">
      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="flex flex-col gap-2">
          <h3 className="text-base font-semibold">What an ECT is</h3>
          <p>
            An <strong>Execution Context Token</strong> (IETF Internet-Draft <C>draft-nennemann-wimse-ect</C>)
            records <em>one task</em> that one agent of a multi-agent workflow performed: who did it (
            <L name="iss" />
            ), what it did (<L name="exec_act" />
            ), for whom (<L name="aud" />
            ), when (<L name="iat" />
            ), and which earlier tasks it built on (<L name="pred" />
            ). Its <L name="jti" /> is the token id and the task id at once; <L name="pred" /> lists the{' '}
            <C>jti</C> of its predecessors (<C>[]</C> for a root), so the tokens of a workflow form a directed
            acyclic graph (DAG). An optional <L name="wid" /> groups them into one workflow;{' '}
            <L name="inp_hash" /> and <L name="out_hash" /> bind the task to its input and output without
            disclosing them.
          </p>
          <p>
            A signed ECT is a JWT: a JWS with header <C>{'{"alg":"ES256","typ":"exec+jwt","kid":…}'}</C>,
            signed by the agent that did the work and sent to the next one in an <C>Execution-Context</C> HTTP
            header.
          </p>
        </div>
        <figure className="min-w-0">
          <figcaption className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            A task&rsquo;s claims (-01), agent B building on agent A&rsquo;s task
          </figcaption>
          <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 text-[12px] leading-snug text-slate-900 dark:bg-slate-800/70 dark:text-slate-100">
            {EXAMPLE}
          </pre>
        </figure>
      </div>

      <div className="flex flex-col gap-2">
        <h3 className="text-base font-semibold">Why: the audit story</h3>
        <p>
          Agents hand work to each other across services, vendors and organisations. Later someone (an
          auditor, a regulator, whoever handles an incident) has to answer:{' '}
          <em>which agent did what, building on whose output, in what order?</em> ECTs make that answer
          checkable:
        </p>
        <ol className="list-decimal pl-6">
          <li>
            Each agent signs the record of its own task, so it cannot later deny it (non-repudiation) and no
            one else can write it in its name.
          </li>
          <li>
            Each receiver verifies the token before building on it: the 16 steps below, from decoding to the
            DAG rules (its predecessors must be known, earlier, in the same workflow).
          </li>
          <li>
            Verified tokens are appended to an append-only <strong>audit ledger</strong> where each entry is
            chained to the one before by a SHA-256 hash: changing or removing an entry breaks the chain.
          </li>
          <li>From the ledger, an auditor rebuilds the workflow&rsquo;s DAG and sees every violation.</li>
        </ol>
        <p className="text-slate-600 dark:text-slate-400">
          An ECT proves what an agent <em>asserted</em>, and who asserted it; it is not an authorization
          token: holding one grants nothing.
        </p>
      </div>

      <div className="flex flex-col gap-2">
        <h3 className="text-base font-semibold">Assurance levels (-01)</h3>
        <p>Same claims, same DAG; different envelopes. A verifier sets the lowest level it accepts.</p>
        <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
          <table className="w-full border-collapse text-sm" data-testid="levels-table">
            <thead>
              <tr>
                <th scope="col" className={TH}>
                  Level
                </th>
                <th scope="col" className={TH}>
                  Envelope
                </th>
                <th scope="col" className={TH}>
                  What it guarantees
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row" className={`${TD} text-left font-mono font-semibold`}>
                  L1
                </th>
                <td className={TD}>The claims as base64url-encoded JSON: no header, no signature.</td>
                <td className={TD}>
                  Structure and lineage only; the claims are self-asserted, so use it only inside a trusted
                  transport. Refused unless the minimum level is L1 (<CodeLink code="level_below_minimum" />
                  ): stripping a signature must not downgrade a token.
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-mono font-semibold`}>
                  L2
                </th>
                <td className={TD}>
                  A JWS (ES256, <C>typ</C> <C>exec+jwt</C>), checked against the issuer&rsquo;s key in the
                  trust store.
                </td>
                <td className={TD}>
                  Who issued it, that it is unchanged, and that the issuer cannot deny it. The default
                  minimum.
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-mono font-semibold`}>
                  L3
                </th>
                <td className={TD}>
                  An L2 token appended to an audit ledger that signs a receipt for the entry.
                </td>
                <td className={TD}>
                  Everything of L2, plus a tamper-evident long-term record. Nothing in the token itself tells
                  L2 from L3: the receipt does.
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </div>

      <div className="flex flex-col gap-2">
        <h3 className="text-base font-semibold">Draft revisions: -00 and -01</h3>
        <p>
          The workbench verifies both and creates -01 by default. A payload mixing names of both revisions is{' '}
          <CodeLink code="invalid_claim" />.
        </p>
        <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-800">
          <table className="w-full border-collapse text-sm" data-testid="versions-table">
            <thead>
              <tr>
                <th scope="col" className={TH}>
                  Topic
                </th>
                <th scope="col" className={TH}>
                  -00
                </th>
                <th scope="col" className={TH}>
                  -01 (current)
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  Predecessors
                </th>
                <td className={TD}>
                  <L name="par" />
                </td>
                <td className={TD}>
                  <L name="pred" /> (renamed to avoid confusion with OAuth PAR)
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  Extension object
                </th>
                <td className={TD}>
                  <L name="ext" />
                </td>
                <td className={TD}>
                  <L name="ect_ext" />
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  Policy
                </th>
                <td className={TD}>
                  top-level <L name="pol" /> and <L name="pol_decision" /> (reference implementation)
                </td>
                <td className={TD}>
                  inside <C>ect_ext</C>: <L name="ect_ext.pol" />, <L name="ect_ext.pol_decision" />
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  <C>typ</C> header
                </th>
                <td className={TD}>
                  <C>wimse-exec+jwt</C>
                </td>
                <td className={TD}>
                  <C>exec+jwt</C> (<C>wimse-exec+jwt</C> still accepted)
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  <C>sub</C>
                </th>
                <td className={TD}>
                  set equal to <C>iss</C> by the reference implementation
                </td>
                <td className={TD}>
                  not an ECT claim: <L name="sub" /> is ignored
                </td>
              </tr>
              <tr>
                <th scope="row" className={`${TD} text-left font-normal`}>
                  Envelopes
                </th>
                <td className={TD}>JWS only</td>
                <td className={TD}>levels L1, L2, L3</td>
              </tr>
            </tbody>
          </table>
        </div>
      </div>

      <p className="text-slate-600 dark:text-slate-400">
        Try it: decode and verify tokens on{' '}
        <a className="underline underline-offset-2" href={hashFor('inspect')}>
          Inspect
        </a>
        , sign your own on{' '}
        <a className="underline underline-offset-2" href={hashFor('create')}>
          Create
        </a>
        , play a whole workflow in{' '}
        <a className="underline underline-offset-2" href={hashFor('simulate')}>
          Simulate
        </a>
        , audit a ledger on{' '}
        <a className="underline underline-offset-2" href={hashFor('ledger')}>
          Ledger
        </a>{' '}
        and{' '}
        <a className="underline underline-offset-2" href={hashFor('graph')}>
          Graph
        </a>
        .
      </p>
    </div>
  );
}
