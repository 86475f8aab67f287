import type { ReactNode } from 'react';
import { claimInfo } from 'wimse-ect';
import { hashFor } from '../state/router.ts';

/** `#/learn?claim=<name>`: the claim's entry in the Learn tab's dictionary ("ect_ext.pol" for an extension key). */
export const claimHref = (name: string) => hashFor('learn', { claim: name });

/**
 * A claim or header parameter name as a link to its dictionary entry on the Learn
 * tab, with its label and meaning as the tooltip. A name the dictionary does not
 * know (an unknown claim, ignored by verifiers) stays plain text.
 */
export function ClaimLink({
  name,
  kind,
  className = '',
  children,
}: {
  name: string;
  /** Which dictionary section, when the name alone is ambiguous (header "typ" vs claims). */
  kind?: 'claim' | 'header' | 'ext';
  className?: string;
  children?: ReactNode;
}) {
  const info = claimInfo(name, kind);
  if (!info) return <>{children ?? name}</>;
  const target = info.kind === 'ext' ? `ect_ext.${info.name}` : info.name;
  return (
    <a
      href={claimHref(target)}
      title={`${info.label}: ${info.meaning} (open its dictionary entry on the Learn tab)`}
      data-testid="claim-link"
      data-claim={target}
      className={`underline decoration-dotted underline-offset-2 hover:decoration-solid ${className}`}
    >
      {children ?? name}
    </a>
  );
}
