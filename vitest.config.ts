import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

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
    environment: 'node',
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
