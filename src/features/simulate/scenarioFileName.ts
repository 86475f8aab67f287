/** A file name from a scenario name: lowercase words joined by dashes. */
export function fileNameFor(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'scenario'}.scenario.json`;
}
