import type { ReactNode } from 'react';
import { type ErrorCode, explain } from 'wimse-ect';
import { hashFor } from '../state/router.ts';

/** `#/learn?code=<code>`: the error code's entry in the Learn tab's dictionary. */
export const codeHref = (code: ErrorCode) => hashFor('learn', { code });

/**
 * An error code as a link to its dictionary entry on the Learn tab, with the
 * explanation's title as its tooltip. Inherits the surrounding text style, so it
 * can sit inside an existing badge or `<code>`.
 */
export function CodeLink({
  code,
  className = '',
  children,
}: {
  code: ErrorCode;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <a
      href={codeHref(code)}
      title={`${explain(code).title}: open its explanation on the Learn tab`}
      data-testid="code-link"
      data-code={code}
      className={`underline decoration-dotted underline-offset-2 hover:decoration-solid ${className}`}
    >
      {children ?? code}
    </a>
  );
}
