/**
 * The guided tour's state: whether it runs, which step it shows, and whether
 * the first-visit offer was dismissed (kept in localStorage, so "for good").
 * A module-level store: it survives moving between tabs.
 */
import { create } from 'zustand';
import { useRouter } from '../../../state/router.ts';
import { TOUR_STEPS } from './steps.tsx';

const OFFER_KEY = 'ect-workbench.tour-offer-dismissed';

function readDismissed(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(OFFER_KEY) === '1';
  } catch {
    return false; // storage blocked: offer the tour, and forget the dismissal on reload
  }
}

function writeDismissed() {
  try {
    localStorage.setItem(OFFER_KEY, '1');
  } catch {
    // storage blocked: the dismissal lasts this session only
  }
}

export interface TourState {
  active: boolean;
  /** 0-based index into TOUR_STEPS. */
  step: number;
  /** The "New here?" banner was dismissed or taken (stored for good). */
  offerDismissed: boolean;
  start(): void;
  next(): void;
  back(): void;
  /** Ends the tour (Skip, Finish, Escape). It can be restarted from the Learn tab. */
  close(): void;
  dismissOffer(): void;
}

function show(step: number) {
  const s = TOUR_STEPS[step]!;
  const router = useRouter.getState();
  // Stay on the page (with its parameters) when the step is about the tab already shown.
  if (router.route === s.route && !s.params) return;
  const other = router.route !== s.route;
  router.navigate(s.route, s.params);
  // A new tab starts at its top, tabs in view.
  if (other && typeof window !== 'undefined') window.scrollTo({ top: 0 });
}

export const useTour = create<TourState>()((set, get) => ({
  active: false,
  step: 0,
  offerDismissed: readDismissed(),
  start() {
    writeDismissed();
    set({ active: true, step: 0, offerDismissed: true });
    show(0);
  },
  next() {
    const { step } = get();
    if (step >= TOUR_STEPS.length - 1) return get().close();
    set({ step: step + 1 });
    show(step + 1);
  },
  back() {
    const { step } = get();
    if (step === 0) return;
    set({ step: step - 1 });
    show(step - 1);
  },
  close() {
    set({ active: false });
  },
  dismissOffer() {
    writeDismissed();
    set({ offerDismissed: true });
  },
}));

// "Open in creator" during the Verify step takes the tour to "Break it" by itself.
useRouter.subscribe((r, prev) => {
  const { active, step } = useTour.getState();
  if (!active || r.route === prev.route) return;
  if (TOUR_STEPS[step]?.advanceOnRoute === r.route) useTour.setState({ step: step + 1 });
});
