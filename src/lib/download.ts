/**
 * Saves text as a file: a Blob URL clicked through an `<a download>` (blob:
 * is allowed by the page's Content-Security-Policy; nothing leaves the browser).
 */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by now; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Pretty JSON, as shown and as saved. */
export const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
