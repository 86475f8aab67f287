import { create } from 'zustand';

interface InspectState {
  /** The pasted text, exactly as typed. */
  text: string;
  setText: (text: string) => void;
}

export const useInspectStore = create<InspectState>()((set) => ({
  text: '',
  setText: (text) => set({ text }),
}));
