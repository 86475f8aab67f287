import { useId, useState, type ReactNode } from 'react';
import { DEFAULT_SETTINGS, SUPPORTED_ALGS, type Level } from 'wimse-ect';
import { useVerifierSettings } from '../state/verifierSettings.ts';
import { Button } from './Button.tsx';
import { localInputToUnix, numericDateToIso, unixToLocalInput } from './time.ts';

const INPUT =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:aria-[invalid=true]:border-red-400';

/** Largest accepted number of seconds (about 100 years). */
const MAX_SECONDS = 3_200_000_000;

/**
 * The verifier's settings (ECT-PROFILE §4 defaults): its own id for the
 * audience check, clock skew, iat maximum age, minimum level, UUID rule,
 * parent policy, the algorithm allow-list, and a "verify as of" clock for
 * time travel. Every change applies at once; numbers are validated and an
 * invalid entry never reaches the verifier.
 */
export function SettingsPanel({ clock }: { /** The clock in use, Unix seconds, to show. */ clock?: number }) {
  const settings = useVerifierSettings((s) => s.settings);
  const audience = useVerifierSettings((s) => s.audience);
  const nowOverride = useVerifierSettings((s) => s.nowOverride);
  const setSetting = useVerifierSettings((s) => s.setSetting);
  const setAudience = useVerifierSettings((s) => s.setAudience);
  const setNowOverride = useVerifierSettings((s) => s.setNowOverride);
  const reset = useVerifierSettings((s) => s.reset);
  const ids = useId();

  return (
    <section
      aria-labelledby={`${ids}-title`}
      data-testid="settings"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id={`${ids}-title`} className="font-semibold">
          Verifier settings
        </h2>
        <Button onClick={reset} title="Back to the profile's defaults, the real clock and no verifier id">
          Defaults
        </Button>
      </div>

      <Field
        label="Verifier id (audience)"
        htmlFor={`${ids}-aud`}
        help="Your own id, looked for in aud (step 11). Empty: you verify as an auditor and step 11 is skipped."
      >
        <input
          id={`${ids}-aud`}
          className={`${INPUT} font-mono`}
          value={audience}
          placeholder="e.g. spiffe://example.com/agent/b"
          spellCheck={false}
          autoComplete="off"
          list={`${ids}-aud-list`}
          onChange={(e) => setAudience(e.target.value.trim() === '' ? '' : e.target.value)}
        />
        <datalist id={`${ids}-aud-list`}>
          <option value="spiffe://example.com/agent/b" />
          <option value="spiffe://example.com/agent/c" />
          <option value="https://ledger.example.com" />
        </datalist>
      </Field>

      <TimeTravel nowOverride={nowOverride} setNowOverride={setNowOverride} clock={clock} />

      <div className="grid grid-cols-2 gap-2">
        <SecondsField
          label="Clock skew (s)"
          value={settings.clockSkew}
          defaultValue={DEFAULT_SETTINGS.clockSkew}
          onCommit={(v) => setSetting('clockSkew', v)}
          help="Tolerance for exp and iat"
        />
        <SecondsField
          label="iat max age (s)"
          value={settings.iatMaxAge}
          defaultValue={DEFAULT_SETTINGS.iatMaxAge}
          onCommit={(v) => setSetting('iatMaxAge', v)}
          help="Older tokens: iat_too_old"
        />
      </div>

      <Field
        label="Minimum level"
        htmlFor={`${ids}-level`}
        help="L1 is unsigned; accepting it where L2 is expected allows a downgrade. L3 needs a ledger."
      >
        <select
          id={`${ids}-level`}
          className={INPUT}
          value={settings.minLevel}
          onChange={(e) => setSetting('minLevel', e.target.value as Level)}
        >
          <option value="L1">L1 (unsigned accepted)</option>
          <option value="L2">L2 (signed, default)</option>
          <option value="L3">L3 (ledger receipt)</option>
        </select>
      </Field>

      <fieldset className="flex min-w-0 flex-col gap-1">
        <legend className="mb-1 font-medium">Rules</legend>
        <Check
          label="Require UUIDs for jti and wid"
          checked={settings.requireUuid}
          onChange={(v) => setSetting('requireUuid', v)}
        />
        <Check
          label="Enforce parent policy"
          checked={settings.enforceParentPolicy}
          onChange={(v) => setSetting('enforceParentPolicy', v)}
          help="Refuse children of a parent whose pol_decision is not approved; a DAG rule, so it takes a ledger."
        />
      </fieldset>

      <fieldset>
        <legend className="mb-1 font-medium">Allowed algorithms</legend>
        <div className="grid grid-cols-2 gap-x-2 gap-y-0.5">
          {SUPPORTED_ALGS.map((alg) => {
            const on = settings.allowedAlgs.includes(alg);
            const last = on && settings.allowedAlgs.length === 1;
            return (
              <Check
                key={alg}
                label={alg}
                mono
                checked={on}
                disabled={last}
                title={last ? 'At least one algorithm must stay allowed' : undefined}
                onChange={(v) =>
                  setSetting(
                    'allowedAlgs',
                    v
                      ? SUPPORTED_ALGS.filter((a) => a === alg || settings.allowedAlgs.includes(a))
                      : settings.allowedAlgs.filter((a) => a !== alg),
                  )
                }
              />
            );
          })}
        </div>
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          <code>none</code> and <code>HS*</code> are always refused. <code>RS*</code> and <code>PS*</code>{' '}
          need RSA keys of 2048 bits or more; <code>EdDSA</code> and <code>Ed25519</code> are two names for
          Ed25519 keys, each allowed on its own.
        </p>
      </fieldset>
    </section>
  );
}

function Field({
  label,
  htmlFor,
  help,
  error,
  children,
}: {
  label: string;
  htmlFor: string;
  help?: string;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${htmlFor}-msg`} role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : (
        help && (
          <p id={`${htmlFor}-msg`} className="text-xs text-slate-500 dark:text-slate-400">
            {help}
          </p>
        )
      )}
    </div>
  );
}

function Check({
  label,
  checked,
  onChange,
  help,
  mono,
  disabled,
  title,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: string;
  mono?: boolean;
  disabled?: boolean;
  title?: string;
}) {
  return (
    <label className="flex items-start gap-2" title={title}>
      <input
        type="checkbox"
        className="mt-1 accent-sky-700"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        <span className={mono ? 'font-mono text-xs' : ''}>{label}</span>
        {help && <span className="block text-xs text-slate-500 dark:text-slate-400">{help}</span>}
      </span>
    </label>
  );
}

/** Parses a whole number of seconds; says what is wrong otherwise. */
function parseSeconds(
  text: string,
  max = MAX_SECONDS,
): { ok: true; value: number } | { ok: false; why: string } {
  const t = text.trim();
  if (t === '') return { ok: false, why: 'Enter a whole number of seconds.' };
  if (!/^\d+$/.test(t)) return { ok: false, why: `"${t}" is not a whole number of 0 or more.` };
  const value = Number(t);
  if (!Number.isSafeInteger(value) || value > max) return { ok: false, why: `At most ${max}.` };
  return { ok: true, value };
}

/** A number input that commits only valid values; an invalid entry shows why and changes nothing. */
function SecondsField({
  label,
  value,
  defaultValue,
  onCommit,
  help,
}: {
  label: string;
  value: number;
  defaultValue: number;
  onCommit: (value: number) => void;
  help: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const parsed = draft === null ? null : parseSeconds(draft);
  const error = parsed && !parsed.ok ? `${parsed.why} Still using ${value}.` : null;
  return (
    <Field label={label} htmlFor={id} help={`${help} (default ${defaultValue})`} error={error}>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        className={`${INPUT} font-mono`}
        value={draft ?? String(value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => {
          setDraft(e.target.value);
          const p = parseSeconds(e.target.value);
          if (p.ok) onCommit(p.value);
        }}
        onBlur={() => setDraft(null)}
      />
    </Field>
  );
}

/** "Verify as of": a UTC date and time, or Unix seconds, or the real clock. */
function TimeTravel({
  nowOverride,
  setNowOverride,
  clock,
}: {
  nowOverride: number | null;
  setNowOverride: (now: number | null) => void;
  clock?: number;
}) {
  const id = useId();
  const [dateDraft, setDateDraft] = useState<string | null>(null);
  const [secondsDraft, setSecondsDraft] = useState<string | null>(null);
  const dateValue = dateDraft ?? (nowOverride === null ? '' : unixToLocalInput(nowOverride));
  const secondsParsed = secondsDraft === null ? null : parseSeconds(secondsDraft, 253402300799);
  const secondsError = secondsParsed && !secondsParsed.ok ? secondsParsed.why : null;
  const dateError = dateDraft !== null && dateDraft !== '' && localInputToUnix(dateDraft) === null;
  const shown = nowOverride ?? clock;
  const iso = shown === undefined ? null : numericDateToIso(shown);
  return (
    <fieldset
      className={`flex min-w-0 flex-col gap-1 rounded-md border p-2 ${
        nowOverride === null
          ? 'border-slate-200 dark:border-slate-800'
          : 'border-amber-400 bg-amber-50 dark:border-amber-700 dark:bg-amber-950/40'
      }`}
      data-testid="time-travel"
    >
      <legend className="px-1 font-medium">Verify as of</legend>
      <div className="flex items-end justify-between gap-2">
        <label htmlFor={`${id}-date`} className="text-xs text-slate-600 dark:text-slate-400">
          Date and time (UTC)
        </label>
        <Button
          onClick={() => {
            setDateDraft(null);
            setSecondsDraft(null);
            setNowOverride(null);
          }}
          disabled={nowOverride === null}
          title="Verify with the real clock again"
        >
          Now
        </Button>
      </div>
      <input
        id={`${id}-date`}
        type="datetime-local"
        className={`${INPUT} font-mono`}
        value={dateValue}
        aria-invalid={dateError ? true : undefined}
        onChange={(e) => {
          setDateDraft(e.target.value);
          const s = localInputToUnix(e.target.value);
          if (s !== null) setNowOverride(s);
        }}
        onBlur={() => setDateDraft(null)}
      />
      <label htmlFor={`${id}-unix`} className="text-xs text-slate-600 dark:text-slate-400">
        Unix seconds
      </label>
      <input
        id={`${id}-unix`}
        type="text"
        inputMode="numeric"
        className={`${INPUT} font-mono`}
        value={secondsDraft ?? (shown === undefined ? '' : String(shown))}
        aria-invalid={secondsError ? true : undefined}
        aria-describedby={`${id}-state`}
        onChange={(e) => {
          setSecondsDraft(e.target.value);
          const p = parseSeconds(e.target.value, 253402300799);
          if (p.ok) setNowOverride(p.value);
        }}
        onBlur={() => setSecondsDraft(null)}
        data-testid="now-seconds"
      />
      <p
        id={`${id}-state`}
        className="text-xs"
        data-testid="clock-state"
        role={secondsError ? 'alert' : undefined}
      >
        {secondsError ? (
          <span className="text-red-700 dark:text-red-300">
            {secondsError} Still using the previous time.
          </span>
        ) : nowOverride === null ? (
          <span className="text-slate-500 dark:text-slate-400">
            Real clock{iso?.ok ? `: ${iso.iso}` : ''}. Pick a time to verify as if it were then.
          </span>
        ) : (
          <span className="font-medium text-amber-900 dark:text-amber-200">
            Time travel: verifying as of {iso?.ok ? iso.iso : nowOverride} ({nowOverride}).
          </span>
        )}
      </p>
    </fieldset>
  );
}
