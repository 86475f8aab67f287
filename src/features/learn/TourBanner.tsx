/**
 * The shell's part of the Learn feature: the first-visit "New here?" offer and,
 * while the tour runs, its small panel in the corner (not a modal: the page
 * stays usable) with a ring around the control the current step talks about.
 * Kept apart from LearnPage so the shell does not load the dictionaries.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { useTour } from './tour/store.ts';
import { TOUR_STEPS } from './tour/steps.tsx';

/**
 * While the tour runs, its panel; before, the first-visit offer as a banner above the page, unless
 * `offer` is false: the Graph and Ledger workspaces fill the window, and there the offer is the
 * header's {@link TourHeaderOffer} (a box above pushed the workspace down; one floating over its
 * corner hid the Graph's timeline until dismissed).
 */
export function TourBanner({ offer = true }: { offer?: boolean }) {
  const active = useTour((s) => s.active);
  const offerDismissed = useTour((s) => s.offerDismissed);
  if (active) return <TourPanel />;
  if (offerDismissed || !offer) return null;
  return <TourOffer inHeader={false} />;
}

/** The first-visit offer in a few words, for the header's title row. */
export function TourHeaderOffer() {
  const active = useTour((s) => s.active);
  const offerDismissed = useTour((s) => s.offerDismissed);
  if (active || offerDismissed) return null;
  return <TourOffer inHeader />;
}

function TourOffer({ inHeader }: { inHeader: boolean }) {
  const buttons = (
    <div className="flex gap-2">
      <Button variant="primary" onClick={() => useTour.getState().start()}>
        Take the tour
      </Button>
      <Button
        onClick={() => useTour.getState().dismissOffer()}
        title="Hide this offer for good; the tour stays on the Learn tab"
      >
        No thanks
      </Button>
    </div>
  );
  if (inHeader)
    return (
      <section
        aria-label="Welcome"
        data-testid="tour-banner"
        className="flex items-center gap-2 rounded-lg border border-sky-200 bg-sky-50 py-0.5 pr-1 pl-2 text-sm text-sky-950 sm:ml-auto dark:border-sky-900 dark:bg-sky-950/40 dark:text-sky-100"
      >
        <p>
          <strong>New here?</strong>
          <span className="hidden md:inline"> A 2-minute tour</span>
        </p>
        {buttons}
      </section>
    );
  return (
    <div className="mx-auto w-full max-w-6xl px-4 pt-4">
      <section
        aria-label="Welcome"
        data-testid="tour-banner"
        className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-900 dark:bg-sky-950/40 dark:text-sky-100"
      >
        <p className="min-w-0 flex-1 basis-64">
          <strong>New here? Take the 2-minute tour</strong>
          <span className="hidden sm:inline">
            : decode a token, verify it, break it, and see a workflow DAG
          </span>
          .
        </p>
        {buttons}
      </section>
    </div>
  );
}

function TourPanel() {
  const step = useTour((s) => s.step);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const s = TOUR_STEPS[step]!;
  const last = step === TOUR_STEPS.length - 1;

  // The panel takes focus once, when the tour starts; Next/Back keep it on their button after.
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, []);

  return (
    <>
      {s.target && <Spotlight key={s.id} find={s.target} />}
      <section
        aria-labelledby={headingId}
        data-testid="tour-panel"
        data-tour-panel
        data-step={s.id}
        onKeyDown={(e) => {
          if (e.key === 'Escape') useTour.getState().close();
        }}
        className="fixed right-3 bottom-3 z-50 flex max-h-[70vh] w-[min(24rem,calc(100vw-1.5rem))] flex-col gap-2 overflow-y-auto rounded-lg border border-sky-300 bg-white p-4 text-sm text-slate-800 shadow-xl dark:border-sky-800 dark:bg-slate-900 dark:text-slate-200"
      >
        <div className="flex items-baseline gap-2">
          <p
            className="text-xs font-semibold tracking-wide text-sky-800 uppercase dark:text-sky-300"
            data-testid="tour-progress"
          >
            Tour · {step + 1} of {TOUR_STEPS.length}
          </p>
          <button
            type="button"
            onClick={() => useTour.getState().close()}
            aria-label="Close the tour"
            title="Close the tour (Escape). Restart it from the Learn tab."
            className="ml-auto rounded px-1.5 text-lg leading-none text-slate-500 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
          >
            ×
          </button>
        </div>
        <h2
          id={headingId}
          ref={headingRef}
          tabIndex={-1}
          className="text-base font-semibold"
          aria-live="polite"
        >
          {s.title}
        </h2>
        <div className="flex flex-col gap-2 leading-relaxed" data-testid="tour-body">
          {s.body}
        </div>
        <ol className="flex gap-1" aria-hidden="true">
          {TOUR_STEPS.map((t, i) => (
            <li
              key={t.id}
              className={`h-1.5 flex-1 rounded-full ${
                i <= step ? 'bg-sky-600 dark:bg-sky-400' : 'bg-slate-200 dark:bg-slate-700'
              }`}
            />
          ))}
        </ol>
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={() => useTour.getState().back()} disabled={step === 0}>
            Back
          </Button>
          <Button variant="primary" onClick={() => useTour.getState().next()}>
            {last ? 'Finish' : 'Next'}
          </Button>
          {!last && (
            <button
              type="button"
              onClick={() => useTour.getState().close()}
              className="ml-auto text-xs text-slate-600 underline underline-offset-2 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
            >
              Skip tour
            </button>
          )}
        </div>
      </section>
    </>
  );
}

/** A ring drawn over the element the step talks about; it follows scrolling and never takes clicks. */
function Spotlight({ find }: { find: () => Element | null }) {
  const [box, setBox] = useState<{ x: number; y: number; w: number; h: number } | null>(null);
  useEffect(() => {
    let last = '';
    let shown = false;
    const update = () => {
      const el = find();
      const r = el?.getBoundingClientRect();
      // The first time the target is found off screen, bring it into view (once: then the user scrolls).
      if (el && r && r.width > 0 && !shown) {
        shown = true;
        const tall = r.height > window.innerHeight * 0.6;
        if (r.top < 0 || r.bottom > window.innerHeight) {
          el.scrollIntoView({ block: tall ? 'start' : 'center' });
          return; // the scroll listener measures again
        }
      }
      const next = r && r.width > 0 && r.height > 0 ? { x: r.left, y: r.top, w: r.width, h: r.height } : null;
      const key = next ? `${next.x}|${next.y}|${next.w}|${next.h}` : '';
      if (key === last) return;
      last = key;
      setBox(next);
    };
    update();
    // The target may appear later (a lazy tab, a token decoded) or move: look again now and then.
    const timer = setInterval(update, 300);
    window.addEventListener('scroll', update, { capture: true, passive: true });
    window.addEventListener('resize', update);
    return () => {
      clearInterval(timer);
      window.removeEventListener('scroll', update, { capture: true });
      window.removeEventListener('resize', update);
    };
  }, [find]);
  if (!box) return null;
  const pad = 4;
  return (
    <div
      aria-hidden="true"
      data-testid="tour-spotlight"
      className="pointer-events-none fixed z-40 rounded-lg ring-4 ring-sky-500/70 motion-safe:animate-pulse dark:ring-sky-400/70"
      style={{ left: box.x - pad, top: box.y - pad, width: box.w + 2 * pad, height: box.h + 2 * pad }}
    />
  );
}
