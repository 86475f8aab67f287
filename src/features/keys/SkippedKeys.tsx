import type { SkippedImport } from '../../storage/keys.ts';
import { VisibleText } from '../../components/VisibleText.tsx';

/**
 * The keys of an imported document that were left out because they cannot verify
 * (ECT-PROFILE.md section 6), each with its place in the document and the reason.
 */
export function SkippedKeys({ skipped }: { skipped: readonly SkippedImport[] }) {
  if (!skipped.length) return null;
  return (
    <div
      role="status"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
      data-testid="import-skipped"
    >
      <p className="font-medium">
        {skipped.length === 1 ? '1 key was' : `${skipped.length} keys were`} not imported: unusable for
        verification.
      </p>
      <ul className="mt-1 list-disc pl-5">
        {skipped.map((k, i) => (
          <li key={i} className="break-words" data-testid="import-skipped-key">
            <span className="font-mono">
              <VisibleText text={k.where} />
            </span>
            {k.kid !== null && !k.where.includes(JSON.stringify(k.kid)) && (
              <>
                {' '}
                (kid{' '}
                <span className="font-mono">
                  <VisibleText text={k.kid} />
                </span>
                )
              </>
            )}{' '}
            <VisibleText text={k.reason} />
          </li>
        ))}
      </ul>
    </div>
  );
}
