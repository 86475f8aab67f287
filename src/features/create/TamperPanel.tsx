import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { useCreator } from './store.ts';
import { editClaim, otherChar, partAt, payloadOf, replaceChar, type TamperResult } from './tamper.ts';
import { INPUT, INPUT_AUTO, SECTION_TITLE, SELECT } from './ui.tsx';

/**
 * Change the shown token without re-signing it: one character at a position,
 * or one claim with the payload part re-encoded (old header and signature
 * kept). The verification beside it follows at once.
 */
export function TamperPanel({ base, current }: { base: string; current: string }) {
  const tampered = useCreator((s) => s.tampered);
  const setTampered = useCreator((s) => s.setTampered);
  const [message, setMessage] = useState<string | null>(null);

  const apply = (r: TamperResult) => {
    if (!r.ok) {
      setMessage(r.message);
      return;
    }
    setMessage(null);
    setTampered(
      r.token === base ? null : { token: r.token, changes: [...(tampered?.changes ?? []), r.change] },
    );
  };

  return (
    <section
      aria-labelledby="tamper-title"
      className="rounded-md border border-dashed border-red-300 p-3 dark:border-red-800"
    >
      <h3 id="tamper-title" className={SECTION_TITLE}>
        Tamper (without re-signing)
      </h3>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        See what a verifier does with a token changed in transit. Changes add up; "Undo tampering" brings back
        the original.
      </p>
      <div className="mt-2 grid gap-4 xl:grid-cols-2">
        <CharTamper token={current} apply={apply} />
        <ClaimTamper token={current} apply={apply} />
      </div>
      {message && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300" data-testid="tamper-error">
          {message}
        </p>
      )}
    </section>
  );
}

function CharTamper({ token, apply }: { token: string; apply: (r: TamperResult) => void }) {
  const parts = token.split('.');
  // Default: a character inside the signature (or the middle of an L1 token).
  const fallback =
    parts.length === 3 ? token.length - Math.ceil(parts[2]!.length / 2) : Math.floor(token.length / 2);
  const [positionText, setPositionText] = useState(String(fallback));
  const [ch, setCh] = useState('');
  const position = Number(positionText);
  const valid =
    positionText.trim() !== '' && Number.isInteger(position) && position >= 0 && position < token.length;
  const where = valid ? partAt(token, position) : null;
  const suggestion = valid ? otherChar(token[position]) : 'A';
  return (
    <form
      className="flex flex-col gap-2"
      aria-label="Change one character"
      onSubmit={(e) => {
        e.preventDefault();
        apply(replaceChar(token, valid ? position : NaN, ch || suggestion));
      }}
    >
      <p className="text-sm font-medium">(a) Change one character</p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-0.5">
          <label htmlFor="tamper-position" className="text-xs text-slate-600 dark:text-slate-400">
            Position (0 to {token.length - 1})
          </label>
          <input
            id="tamper-position"
            type="number"
            min={0}
            max={token.length - 1}
            className={`${INPUT_AUTO} w-28`}
            value={positionText}
            onChange={(e) => setPositionText(e.target.value)}
          />
        </div>
        <div className="flex flex-col gap-0.5">
          <label htmlFor="tamper-char" className="text-xs text-slate-600 dark:text-slate-400">
            New character
          </label>
          <input
            id="tamper-char"
            type="text"
            maxLength={2}
            className={`${INPUT_AUTO} w-20`}
            placeholder={suggestion}
            value={ch}
            onChange={(e) => setCh(e.target.value)}
          />
        </div>
        <Button type="submit" variant="danger">
          Change character
        </Button>
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="tamper-position-info">
        {where
          ? `Now ${JSON.stringify(token[position])}, in the ${
              where.part === 'separator'
                ? 'dot between two parts'
                : where.part === 'token'
                  ? `token (L1: the claims themselves)`
                  : `${where.part} part (character ${where.offset} of ${where.length})`
            }; empty "New character" uses ${JSON.stringify(suggestion)}.`
          : `Type a position from 0 to ${token.length - 1}.`}
      </p>
    </form>
  );
}

function ClaimTamper({ token, apply }: { token: string; apply: (r: TamperResult) => void }) {
  const current = payloadOf(token);
  const claims = current.ok ? Object.keys(current.payload) : [];
  const [chosen, setChosen] = useState<string>(claims.includes('exec_act') ? 'exec_act' : (claims[0] ?? ''));
  const claim = claims.includes(chosen) ? chosen : (claims[0] ?? '');
  const value = current.ok ? current.payload[claim] : undefined;
  const [edits, setEdits] = useState<Record<string, string>>({});
  const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const text = edits[claim] ?? shown(value);
  const [parseError, setParseError] = useState<string | null>(null);

  if (!current.ok) {
    return (
      <div className="flex flex-col gap-2">
        <p className="text-sm font-medium">(b) Edit a claim</p>
        <p className="text-sm text-slate-600 dark:text-slate-400">{current.message}</p>
      </div>
    );
  }

  const submit = () => {
    let next: unknown = text;
    if (typeof value !== 'string') {
      try {
        next = JSON.parse(text);
      } catch {
        setParseError(`"${claim}" holds JSON (${shown(value)}); type JSON, e.g. a number or ["a", "b"]`);
        return;
      }
    }
    setParseError(null);
    setEdits({});
    apply(editClaim(token, claim, next));
  };

  return (
    <form
      className="flex flex-col gap-2"
      aria-label="Edit a claim without re-signing"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p className="text-sm font-medium">(b) Edit a claim</p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-0.5">
          <label htmlFor="tamper-claim" className="text-xs text-slate-600 dark:text-slate-400">
            Claim to change
          </label>
          <select
            id="tamper-claim"
            className={SELECT}
            value={claim}
            onChange={(e) => {
              setChosen(e.target.value);
              setParseError(null);
            }}
          >
            {claims.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="flex min-w-40 flex-1 flex-col gap-0.5">
          <label htmlFor="tamper-value" className="text-xs text-slate-600 dark:text-slate-400">
            New value {typeof value === 'string' ? '(text)' : '(JSON)'}
          </label>
          <input
            id="tamper-value"
            type="text"
            className={INPUT}
            spellCheck={false}
            autoComplete="off"
            value={text}
            onChange={(e) => setEdits({ ...edits, [claim]: e.target.value })}
          />
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="danger">
          Apply without re-signing
        </Button>
        <Button variant="danger" onClick={() => apply(editClaim(token, claim, undefined))}>
          Remove claim
        </Button>
      </div>
      {parseError && <p className="text-sm text-red-700 dark:text-red-300">{parseError}</p>}
      <p className="text-xs text-slate-600 dark:text-slate-400">
        The payload part is re-encoded as base64url; the header and the signature stay as they were.
      </p>
    </form>
  );
}
