import { describe, expect, it } from 'vitest';
import { headersFor, parseHeadersFile } from './headers-file.ts';

describe('_headers files (ect serve, vite preview)', () => {
  it('reads path blocks and their indented headers, skipping comments and blank lines', () => {
    const rules = parseHeadersFile(
      "# the app\n/*\n  X-Frame-Options: DENY\n  Content-Security-Policy: default-src 'self'; img-src data:\n\n/sw.js\n  Cache-Control: no-cache\n",
    );
    expect(rules).toEqual([
      {
        path: '/*',
        headers: {
          'X-Frame-Options': 'DENY',
          'Content-Security-Policy': "default-src 'self'; img-src data:",
        },
      },
      { path: '/sw.js', headers: { 'Cache-Control': 'no-cache' } },
    ]);
    expect(headersFor(rules, '/sw.js')).toEqual({
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'self'; img-src data:",
      'Cache-Control': 'no-cache',
    });
    expect(headersFor(rules, '/index.html')).not.toHaveProperty('Cache-Control');
  });

  it('names the line that fits neither form', () => {
    expect(() => parseHeadersFile('  X-Frame-Options: DENY\n')).toThrow(/^line 1 is neither a path/);
    expect(() => parseHeadersFile('/*\n  X-Frame-Options DENY\n')).toThrow(/^line 2 is neither a path/);
    expect(() => parseHeadersFile('/*\n  : no name\n')).toThrow(/^line 2 /);
    expect(() => parseHeadersFile('/*\n  Bad Name: x\n')).toThrow(/^line 2 /);
  });

  it('takes a pattern literally but for *', () => {
    const rules = parseHeadersFile('/a.b(c)\n  X: 1\n');
    expect(headersFor(rules, '/a.b(c)')).toEqual({ X: '1' });
    expect(headersFor(rules, '/aXb(c)')).toEqual({});
  });
});
