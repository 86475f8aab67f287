/**
 * The guided tour's five steps: what an ECT is, decode one, verify it, break
 * it, see the DAG. Each names the tab it takes the visitor to and, when it can
 * find it, the control to look at (drawn as a ring, never blocking the page).
 */
import { useSyncExternalStore, type ReactNode } from 'react';
import { useRouter, type Route } from '../../../state/router.ts';

export interface TourStep {
  id: string;
  title: string;
  /** The tab the step shows; Next and Back navigate there. */
  route: Route;
  params?: Record<string, string>;
  body: ReactNode;
  /** The element to ring, looked up while the step is shown (null: nothing to point at). */
  target?: () => Element | null;
  /** Moving to this tab while on this step (e.g. with "Open in creator") moves the tour on. */
  advanceOnRoute?: Route;
}

const byText =
  (selector: string, ...texts: string[]) =>
  () =>
    [...document.querySelectorAll(selector)].find((el) => texts.includes(el.textContent?.trim() ?? '')) ??
    null;

const first =
  (...finders: (() => Element | null)[]) =>
  () => {
    for (const f of finders) {
      const el = f();
      if (el) return el;
    }
    return null;
  };

const C = ({ children }: { children: ReactNode }) => (
  <code className="font-mono text-[0.92em]">{children}</code>
);

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'what',
    title: 'What an ECT is',
    route: 'learn',
    params: { section: 'intro' },
    body: (
      <>
        <p>
          An Execution Context Token is a signed JWT that records <em>one task</em> one agent performed: who (
          <C>iss</C>), what (<C>exec_act</C>), for whom (<C>aud</C>), when (<C>iat</C>), and which earlier
          tasks it built on (<C>pred</C>). Linked by <C>pred</C>, a workflow&rsquo;s tokens form a DAG;
          verified tokens go into a hash-chained ledger, so an auditor can later rebuild who did what, in what
          order.
        </p>
        <p>This Learn tab is the reference: every claim, every error code, the 16 verification steps.</p>
      </>
    ),
  },
  {
    id: 'decode',
    title: 'Decode one',
    route: 'inspect',
    body: (
      <>
        <p>
          Press <strong>Example</strong> (ringed): it signs a fresh token with the example agent A key in your
          keyring and decodes it at once.
        </p>
        <p>
          Look at the badges on the card: <strong>L2</strong> (a signed JWS) and <strong>-01</strong> (the
          draft revision its claims follow). Then <strong>Claims explained</strong>: every header parameter
          and claim with its meaning and rule; click a name for its dictionary entry.
        </p>
      </>
    ),
    target: first(byText('button', 'Example'), byText('button', 'Try an example')),
  },
  {
    id: 'verify',
    title: 'Verify it',
    route: 'inspect',
    // What the step says follows what is on screen: a valid token, an invalid one, or none yet.
    body: <VerifyBody />,
    target: first(
      () => document.querySelector('[data-testid="trace"]'),
      byText('button', '▸Verification trace', '▾Verification trace'),
      byText('button', 'Example'),
      byText('button', 'Try an example'),
    ),
    advanceOnRoute: 'create',
  },
  {
    id: 'break',
    title: 'Break it',
    route: 'create',
    body: (
      <>
        <p>
          With <strong>Open in creator</strong> the token from the inspector is loaded here; otherwise press{' '}
          <strong>Sign</strong> to make one. Then, under <strong>Tamper (without re-signing)</strong>, change
          a claim (say <C>exec_act</C>) and apply.
        </p>
        <p>
          The check beside it now fails at step 7 with <C>invalid_signature</C>: the payload is no longer what
          agent A signed. Any change in transit or in storage shows this way.
        </p>
      </>
    ),
    target: first(
      () => document.querySelector('section[aria-labelledby="tamper-title"]'),
      byText('button', 'Sign', 'Create L1 token'),
    ),
  },
  {
    id: 'dag',
    title: 'See the DAG',
    route: 'simulate',
    body: (
      <>
        <p>
          Pick a built-in scenario and press <strong>Run all</strong>: each agent signs its task&rsquo;s
          token, the receiver verifies it and appends it to the ledger, and the DAG grows, one node per task,
          one edge per <C>pred</C> entry.
        </p>
        <p>
          <strong>Keep this run</strong> saves it to a ledger; the{' '}
          <button
            type="button"
            className="font-semibold text-sky-800 underline underline-offset-2 dark:text-sky-300"
            onClick={() => useRouter.getState().navigate('graph')}
          >
            Graph tab
          </button>{' '}
          then draws that ledger&rsquo;s audit (you can also import tokens on the Ledger tab). On Learn,{' '}
          <button
            type="button"
            className="font-semibold text-sky-800 underline underline-offset-2 dark:text-sky-300"
            onClick={() => useRouter.getState().navigate('learn', { section: 'replay' })}
          >
            Replay a workflow
          </button>{' '}
          rebuilds a ledger one token at a time.
        </p>
      </>
    ),
    target: byText('button', 'Run all'),
  },
];

/** The first verdict on the Inspect tab, as "status code" ("valid", "invalid unknown_key"), or "". */
function readVerdict(): string {
  const el = typeof document === 'undefined' ? null : document.querySelector('[data-testid="verdict"]');
  if (!el) return '';
  return [el.getAttribute('data-status'), el.getAttribute('data-code')].filter(Boolean).join(' ');
}

function subscribeToPage(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-status', 'data-code'],
  });
  return () => observer.disconnect();
}

function VerifyBody() {
  const [status = '', code = ''] = useSyncExternalStore(subscribeToPage, readVerdict, () => '').split(' ');
  const trace = (
    <>
      The <strong>Verification trace</strong> lists the profile&rsquo;s 16 steps in order: decode, level, typ,
      alg, crit, key (by <C>iss</C> and <C>kid</C>), signature, claims&hellip; each passes, fails or is
      skipped.
    </>
  );
  if (!status) {
    return (
      <div data-verdict="none">
        <p>
          There is no token on the page yet, so there is nothing to verify. Press <strong>Example</strong>{' '}
          (ringed) to sign a fresh one, or paste a token of your own; its verdict appears on the card, with
          the 16 steps that led to it.
        </p>
        <p>Or press Back to see what the example shows.</p>
      </div>
    );
  }
  if (status === 'pending') return <p data-verdict="pending">Verifying the token on the page&hellip;</p>;
  if (status === 'invalid') {
    return (
      <div data-verdict="invalid">
        <p>
          The verdict on the page says <strong>Invalid</strong>, with the code <C>{code}</C>: the first step
          that failed. {trace}
        </p>
        <p>
          Click the code for what is wrong, why it matters and how to fix it
          {code === 'unknown_key'
            ? ' (here: your keyring has no key for the token’s issuer; the card offers to add it)'
            : code === 'expired'
              ? ' (here: the token is past its exp; verify as of a time inside its window)'
              : ''}
          . Next: press <strong>Open in creator</strong> on the card (the tour follows), or Next.
        </p>
      </div>
    );
  }
  return (
    <div data-verdict="valid">
      <p>
        The verdict says <strong>Valid</strong>. {trace} Step 11 (audience) is skipped because you verify as
        an auditor with no id of your own, 14 (replay) and 15 (DAG rules) because a single token has no store
        to check against.
      </p>
      <p>
        A failing step shows its error code; click the code for what is wrong, why it matters and how to fix
        it. Next: press <strong>Open in creator</strong> on the card (the tour follows), or Next.
      </p>
    </div>
  );
}
