import { quote } from './text.ts';
/**
 * Splits pasted text into candidate tokens (ECT-PROFILE.md section 5, input
 * forms): a bare token, an `Execution-Context:` header line, a comma list, a
 * JSON array of tokens, one token per line, or the workbench's ledger bundle.
 */

const HEADER_PREFIX = /^\s*execution-context\s*:/i;

/** The tokens found in a text by splitInput. */
export interface SplitResult {
  tokens: string[];
  /** Which form the text was read as, for the UI ("3 tokens from a JSON array"). */
  form: 'empty' | 'json-array' | 'bundle' | 'lines';
}

/** The tokens of a text: one or several tokens, one per line, a JSON array, an Execution-Context header line, or a ledger export. */
export function splitInput(text: string): SplitResult {
  const trimmed = text.trim();
  if (!trimmed) return { tokens: [], form: 'empty' };
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const fromJson = tokensFromJson(trimmed);
    if (fromJson) return fromJson;
  }
  return { tokens: splitLines(trimmed), form: 'lines' };
}

/**
 * The tokens of text read as lines (splitInput's 'lines' form), appended to `into`. Text cut at
 * line ends gives the same tokens piece by piece: a large import splits its text a block at a
 * time, giving the page a turn between blocks (250,000 tokens, 150 MB, were one task of 100 ms and
 * more; issue 17). Split at '\n' alone: a '\r' before it ends the line's last item, which is trimmed.
 */
export function splitLines(text: string, into: string[] = []): string[] {
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(HEADER_PREFIX, '');
    if (!line.includes(',')) {
      const t = line.trim();
      if (t) into.push(t);
      continue;
    }
    for (const item of line.split(',')) {
      const t = item.trim();
      if (t) into.push(t);
    }
  }
  return into;
}

function tokensFromJson(text: string): SplitResult | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(doc)) {
    return {
      tokens: doc.map((t) => (typeof t === 'string' ? t.trim() : quote(t))),
      form: 'json-array',
    };
  }
  const bundle = bundleTokens(doc);
  return bundle ? { tokens: bundle, form: 'bundle' } : null;
}

/**
 * Tokens of a ledger export bundle (`{"entries":[{"token":…}]}`) or of any
 * object with a `tokens` array; null when `doc` is neither.
 */
export function bundleTokens(doc: unknown): string[] | null {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  if (Array.isArray(o.entries)) {
    return o.entries.map((e) =>
      e && typeof e === 'object' && typeof (e as { token?: unknown }).token === 'string'
        ? (e as { token: string }).token
        : quote(e),
    );
  }
  if (Array.isArray(o.tokens)) return o.tokens.map((t) => (typeof t === 'string' ? t : quote(t)));
  return null;
}
