/**
 * Hand-offs between features without importing each other: the inspector
 * puts a token here and navigates to the creator, which picks it up; any
 * place given text that belongs elsewhere (keys dropped on the ledger import,
 * tokens pasted into Keys & trust) sends it to the right tab the same way.
 */
import { create } from 'zustand';
import type { Route } from './router.ts';

export interface PendingText {
  route: Route;
  text: string;
  /** Where it came from, for the receiving tab to say: "the Inspect tab". */
  from: string;
}

interface HandoffState {
  /** A token to open in the creator (edit and re-sign, or tamper). */
  creatorToken: string | null;
  openInCreator(token: string): void;
  takeCreatorToken(): string | null;
  /** Text on its way to another tab's input. */
  pendingText: PendingText | null;
  sendText(route: Route, text: string, from: string): void;
  /** The text waiting for `route`, once (null when there is none). */
  takeText(route: Route): PendingText | null;
  /** The text waiting for `route`, left in place (for a state initializer; take it in an effect). */
  peekText(route: Route): PendingText | null;
}

export const useHandoff = create<HandoffState>()((set, get) => ({
  creatorToken: null,
  openInCreator: (token) => set({ creatorToken: token }),
  takeCreatorToken: () => {
    const token = get().creatorToken;
    if (token !== null) set({ creatorToken: null });
    return token;
  },
  pendingText: null,
  sendText: (route, text, from) => set({ pendingText: { route, text, from } }),
  peekText: (route) => {
    const pending = get().pendingText;
    return pending?.route === route ? pending : null;
  },
  takeText: (route) => {
    const pending = get().pendingText;
    if (pending?.route !== route) return null;
    set({ pendingText: null });
    return pending;
  },
}));
