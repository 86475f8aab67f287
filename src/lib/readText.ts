/**
 * A file's text, read in slices. `Blob.text()` decodes the whole file in the page's thread at once:
 * a 180 MB file of 250,000 tokens made two tasks of 652 and 887 ms (profiled in Chromium 150,
 * session 9), however the page yields around it. Read as slices, each slice's bytes arrive in a
 * task of their own and decode in a few milliseconds (TextDecoder's ASCII path); one decoder in
 * streaming mode carries a character split between two slices over, and drops a leading BOM as
 * `Blob.text()` does.
 */
const SLICE = 4 << 20;

/**
 * The file's text as the decoded slices, in order: their concatenation is `Blob.text()`'s string.
 * Kept apart because joining them is itself one long task: 349 ms for 180 MB, the longest of the
 * app's 250,000-token import (session 9's profile). A reader of lines (the ledger import) takes the
 * slices as they are; a file of at most one slice is one part.
 */
export async function readTextParts(blob: Blob, sliceBytes = SLICE): Promise<string[]> {
  if (blob.size <= sliceBytes) return [await blob.text()];
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  for (let at = 0; at < blob.size; at += sliceBytes) {
    const bytes = await blob.slice(at, Math.min(blob.size, at + sliceBytes)).arrayBuffer();
    const part = decoder.decode(bytes, { stream: true });
    if (part) parts.push(part);
  }
  const rest = decoder.decode();
  if (rest || !parts.length) parts.push(rest);
  return parts;
}
