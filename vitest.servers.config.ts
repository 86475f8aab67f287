import { configDefaults, defineConfig } from 'vitest/config';
import base, { serverTests } from './vitest.config.ts';

/**
 * The tests on real servers (`npm run test:servers`, the 'servers' stage of `npm test`): throw-away
 * Redis and PostgreSQL started by packages/ect/test/servers.ts, verifier processes beside them.
 * One file at a time: each file starts its own servers and processes, and on 2 cores two such files
 * at once only slow each other down.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [serverTests],
    exclude: [...configDefaults.exclude],
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest-servers.json' }]],
  },
});
