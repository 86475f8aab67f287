/**
 * The Learn tab: an introduction to ECTs, the claim and error-code
 * dictionaries, the 16 verification steps, a ledger replay, and the guided
 * tour's restart. `#/learn?code=…`, `?claim=…`, `?step=…` and `?section=…`
 * scroll to that entry and highlight it (every code and claim elsewhere in the
 * app links here).
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';
import { hashFor, useRouter } from '../../state/router.ts';
import { SECTIONS, targetOf, type SectionId } from './anchors.ts';
import { ClaimDictionary } from './ClaimDictionary.tsx';
import { CodeDictionary } from './CodeDictionary.tsx';
import { Intro } from './Intro.tsx';
import { Replay } from './Replay.tsx';
import { StepsList } from './StepsList.tsx';
import { useTour } from './tour/store.ts';

export { TourBanner } from './TourBanner.tsx';

export function LearnPage() {
  const params = useRouter((s) => (s.route === 'learn' ? s.params : null));
  const target = useMemo(() => targetOf(params), [params]);
  const unknown = params && !target ? (params.get('code') ?? params.get('claim')) : null;
  const [claimFilter, setClaimFilter] = useState('');
  const [codeFilter, setCodeFilter] = useState('');

  // Scroll to the entry a link points at, and move focus there (keyboard and screen-reader users land on it).
  useEffect(() => {
    if (!target) return;
    const el = document.getElementById(target.id);
    if (!el) return;
    // The introduction opens the page: show it from the top, with the tabs.
    if (target.id === 'intro') window.scrollTo({ top: 0 });
    else el.scrollIntoView({ block: 'start' });
    // The tour keeps the focus it has (its step 1 shows the introduction).
    if (!document.activeElement?.closest('[data-tour-panel]')) el.focus({ preventScroll: true });
  }, [target]);

  const key = (kind: 'code' | 'claim' | 'step') => (target?.kind === kind ? target.key : null);

  return (
    <div className="grid gap-6 lg:grid-cols-[11rem_minmax(0,1fr)]" data-testid="learn-page">
      <nav aria-label="On this page" className="flex flex-col gap-3 lg:sticky lg:top-4 lg:self-start">
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-sm lg:flex-col">
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a
                href={hashFor('learn', { section: s.id })}
                className="text-slate-700 underline-offset-2 hover:underline dark:text-slate-300"
              >
                {s.title}
              </a>
            </li>
          ))}
        </ul>
        <Button variant="primary" onClick={() => useTour.getState().start()} className="self-start">
          Take the tour
        </Button>
      </nav>

      <div className="flex min-w-0 flex-col gap-8">
        {unknown !== null && (
          <p
            role="alert"
            className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
          >
            There is no dictionary entry named &ldquo;{unknown}&rdquo;. Unknown claims are ignored by
            verifiers; see the lists below.
          </p>
        )}
        <Section id="intro" lead="Execution Context Tokens in five minutes.">
          <Intro />
        </Section>
        <Section
          id="claims"
          lead="Every claim and header parameter: what it records, the profile's rule, the revisions it belongs to, and the draft section it comes from."
        >
          <ClaimDictionary filter={claimFilter} setFilter={setClaimFilter} target={key('claim')} />
        </Section>
        <Section
          id="codes"
          lead="Every error code a verification can raise: what is wrong, why it matters, how to fix it, the step that raises it and the HTTP status a service answers."
        >
          <CodeDictionary filter={codeFilter} setFilter={setCodeFilter} target={key('code')} />
        </Section>
        <Section id="steps" lead="">
          <StepsList target={key('step')} />
        </Section>
        <Section id="replay" lead="">
          <Replay />
        </Section>
      </div>
    </div>
  );
}

function Section({ id, lead, children }: { id: SectionId; lead: string; children: ReactNode }) {
  const title = SECTIONS.find((s) => s.id === id)!.title;
  return (
    <section id={id} tabIndex={-1} aria-labelledby={`${id}-heading`} className="scroll-mt-4">
      <h2 id={`${id}-heading`} className="text-xl font-semibold tracking-tight">
        {title}
      </h2>
      {lead && <p className="mt-0.5 mb-3 text-sm text-slate-600 dark:text-slate-400">{lead}</p>}
      {!lead && <div className="mb-3" />}
      {children}
    </section>
  );
}
