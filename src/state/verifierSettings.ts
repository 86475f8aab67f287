/**
 * The verifier's settings shown beside every verification: the profile's
 * settings plus the verifier's own id and a "now" override for time travel.
 * Kept in localStorage (small, synchronous, survives reloads).
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEFAULT_SETTINGS, type Settings } from 'wimse-ect';

export interface VerifierSettingsState {
  settings: Settings;
  /** The verifier's own id for the audience check; empty for an auditor (step 11 skipped). */
  audience: string;
  /** Unix seconds to verify "as of"; null for the real clock. */
  nowOverride: number | null;
  setSetting<K extends keyof Settings>(name: K, value: Settings[K]): void;
  setAudience(audience: string): void;
  setNowOverride(now: number | null): void;
  reset(): void;
}

const initial = () => ({
  settings: { ...DEFAULT_SETTINGS, allowedAlgs: [...DEFAULT_SETTINGS.allowedAlgs] },
  audience: '',
  nowOverride: null,
});

export const useVerifierSettings = create<VerifierSettingsState>()(
  persist(
    (set) => ({
      ...initial(),
      setSetting: (name, value) => set((s) => ({ settings: { ...s.settings, [name]: value } })),
      setAudience: (audience) => set({ audience }),
      setNowOverride: (nowOverride) => set({ nowOverride }),
      reset: () => set(initial()),
    }),
    {
      name: 'ect-workbench.verifier-settings',
      version: 1,
      // Settings added in later versions get their defaults.
      merge: (saved, current) => {
        const s = (saved ?? {}) as Partial<VerifierSettingsState>;
        return { ...current, ...s, settings: { ...current.settings, ...(s.settings ?? {}) } };
      },
    },
  ),
);
