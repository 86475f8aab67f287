import type { ReactNode } from 'react';
import { CLAIM_NAMES, type Settings } from 'wimse-ect';
import { formClaimNames, type DryRun, type FieldKey } from './payload.ts';
import { useCreator } from './store.ts';
import { ExtField, HashField, ListField, StringField, TimeField } from './claimFields.tsx';
import { PolicyFields } from './PolicyFields.tsx';

export function ClaimForm({
  dry,
  settings,
  now,
  issWarning,
}: {
  dry: DryRun;
  settings: Settings;
  now: number;
  issWarning: ReactNode;
}) {
  const payload = useCreator((s) => s.payload);
  const version = useCreator((s) => s.version);
  const setClaim = useCreator((s) => s.setClaim);
  const names = CLAIM_NAMES[version];
  const problems = (k: FieldKey) => dry.byField[k];
  const filledNote = (claim: string, what: string) =>
    dry.filled.includes(claim) ? [`Empty: signing fills it in (${what}).`] : [];

  const others = Object.keys(payload).filter((k) => !formClaimNames(version).includes(k));

  return (
    <fieldset className="flex min-w-0 flex-col gap-4" aria-describedby="claims-help">
      <legend className="sr-only">Claims</legend>
      <p id="claims-help" className="text-sm text-slate-600 dark:text-slate-400">
        Every claim of a -{version} token. Problems the core would refuse are shown under each field as you
        type; the JSON editor shows the same payload.
      </p>

      <StringField name="iss" problems={problems('iss')} warnings={issWarning ? [issWarning] : []} />
      <ListField
        name="aud"
        optional={false}
        value={payload.aud}
        problems={problems('aud')}
        onValue={(v) => setClaim('aud', v)}
        emptyAs={undefined}
        placeholder="spiffe://example.com/agent/b"
        note="One audience per line."
      />
      <TimeField name="iat" problems={problems('iat')} settings={settings} now={now} payload={payload} />
      <TimeField name="exp" problems={problems('exp')} settings={settings} now={now} payload={payload} />
      <StringField
        name="jti"
        problems={problems('jti')}
        notes={filledNote('jti', 'a fresh UUID')}
        button={{ label: 'New', aria: 'New jti', run: () => setClaim('jti', crypto.randomUUID()) }}
      />
      <StringField
        name="wid"
        optional
        problems={problems('wid')}
        placeholder="empty: no workflow id"
        button={{ label: 'Generate', aria: 'Generate wid', run: () => setClaim('wid', crypto.randomUUID()) }}
      />
      <StringField name="exec_act" problems={problems('exec_act')} placeholder="e.g. review_spec" />
      <ListField
        name={names.pred}
        optional={false}
        value={payload[names.pred]}
        problems={problems('pred')}
        onValue={(v) => setClaim(names.pred, v)}
        emptyAs={[]}
        placeholder="empty: a root task"
        note={`One predecessor jti per line; empty for a root task ("${names.pred}": []).`}
        extraNotes={filledNote(names.pred, '[]')}
      />
      <HashField name="inp_hash" problems={problems('inp_hash')} />
      <HashField name="out_hash" problems={problems('out_hash')} />
      <ExtField name={names.ext} value={payload[names.ext]} problems={problems('ext')} />
      <PolicyFields version={version} payload={payload} dry={dry} />

      {others.length > 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="other-claims">
          Other claims in the payload: {others.map((o) => `"${o}"`).join(', ')}. The form has no field for
          them; edit them in the JSON editor.
          {others.includes('sub') && ' "sub" is not an ECT claim in -01: verifiers ignore it.'}
        </p>
      )}
    </fieldset>
  );
}
