/**
 * Element ids of the Learn tab's entries, and what a `#/learn?…` link points at:
 * `code=<code>`, `claim=<name>` ("ect_ext.pol" for an extension key), `step=<n>`,
 * or `section=<id>`.
 */
import { isErrorCode, claimInfo, type ClaimInfo } from 'wimse-ect';

export const SECTIONS = [
  { id: 'intro', title: 'Introduction' },
  { id: 'claims', title: 'Claim dictionary' },
  { id: 'codes', title: 'Error codes' },
  { id: 'steps', title: 'The 16 verification steps' },
  { id: 'replay', title: 'Replay a workflow' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export const codeAnchor = (code: string) => `code-${code}`;
export const stepAnchor = (n: number) => `step-${n}`;
/** Extension keys live under "ect_ext." so that "pol" (the -00 top-level claim) and "ect_ext.pol" differ. */
export const claimKey = (info: ClaimInfo) => (info.kind === 'ext' ? `ect_ext.${info.name}` : info.name);
export const claimAnchor = (info: ClaimInfo) => `claim-${claimKey(info)}`;

export interface LearnTarget {
  /** The element to scroll to and highlight. */
  id: string;
  kind: 'code' | 'claim' | 'step' | 'section';
  /** The dictionary key it names (code, claim key), to keep it visible whatever the filter. */
  key: string;
}

export function targetOf(params: URLSearchParams | null): LearnTarget | null {
  if (!params) return null;
  const code = params.get('code');
  if (code !== null && isErrorCode(code)) return { id: codeAnchor(code), kind: 'code', key: code };
  const claim = params.get('claim');
  if (claim !== null) {
    const info = claimInfo(claim);
    if (info) return { id: claimAnchor(info), kind: 'claim', key: claimKey(info) };
  }
  const step = Number(params.get('step'));
  if (Number.isInteger(step) && step >= 1 && step <= 16) {
    return { id: stepAnchor(step), kind: 'step', key: String(step) };
  }
  const section = params.get('section');
  if (section !== null && SECTIONS.some((s) => s.id === section)) {
    return { id: section, kind: 'section', key: section };
  }
  return null;
}
