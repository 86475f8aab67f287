import { create } from 'zustand';
import { parseHash } from '../../state/router.ts';

export interface InspectNotice {
  tone: 'info' | 'warn';
  text: string;
  /** Offer to verify as of this time (Unix seconds), for tokens that expired long ago. */
  timeTravelTo?: number;
}

interface InspectState {
  /** The pasted text, exactly as typed. */
  text: string;
  /** The last `token` route parameter copied into `text` (a share link is applied once). */
  appliedRouteToken: string | null;
  /** A note about what the last action put in the textarea (Example, a dropped file). */
  notice: InspectNotice | null;
  /** When the text last changed (real clock, Unix seconds), so a fresh token is not verified with a stale clock. */
  editedAt: number;
  setText: (text: string, notice?: InspectNotice | null) => void;
  applyRouteToken: (token: string) => void;
}

const unixNow = () => Math.floor(Date.now() / 1000);

const initialToken = typeof location === 'undefined' ? null : parseHash(location.hash).params.get('token');

export const useInspectStore = create<InspectState>()((set, get) => ({
  // Opening a share link (#/inspect?token=…) starts with that token.
  text: initialToken ?? '',
  appliedRouteToken: initialToken,
  notice: null,
  editedAt: unixNow(),
  setText: (text, notice = null) => set({ text, notice, editedAt: unixNow() }),
  applyRouteToken: (token) => {
    if (get().appliedRouteToken === token) return;
    set({ text: token, appliedRouteToken: token, notice: null, editedAt: unixNow() });
  },
}));
