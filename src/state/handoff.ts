/**
 * Hand-offs between features without importing each other: the inspector
 * puts a token here and navigates to the creator, which picks it up.
 */
import { create } from 'zustand';

interface HandoffState {
  /** A token to open in the creator (edit and re-sign, or tamper). */
  creatorToken: string | null;
  openInCreator(token: string): void;
  takeCreatorToken(): string | null;
}

export const useHandoff = create<HandoffState>()((set, get) => ({
  creatorToken: null,
  openInCreator: (token) => set({ creatorToken: token }),
  takeCreatorToken: () => {
    const token = get().creatorToken;
    if (token !== null) set({ creatorToken: null });
    return token;
  },
}));
