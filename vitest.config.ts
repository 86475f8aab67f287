import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that start real servers (Redis, PostgreSQL, verifier processes): `*.servers.test.ts`, run by
 * vitest.servers.config.ts as their own stage of `npm test`, so that `npx vitest run` needs no server.
 */
export const serverTests = 'packages/*/test/**/*.servers.test.ts';

export default defineConfig({
  // `wimse-ect` from its TypeScript sources (see vite.config.ts), in Node-environment tests too.
  resolve: { conditions: ['ect-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['ect-source', ...defaultServerConditions] } },
  test: {
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
    ],
    exclude: [...configDefaults.exclude, serverTests],
    environment: 'node',
    // A few tests do CPU-heavy work on purpose (100,000-level JSON, 10,000-token audits): 5 s, the
    // default, is too tight when the machine is loaded (one timed out at load 19). Not a speed
    // check: speed is measured by `npm run bench`.
    testTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
