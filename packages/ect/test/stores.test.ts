/**
 * The shared store suites (store-suites.ts) on the in-memory defaults: with the unit tests, no
 * server needed. stores.servers.test.ts runs the same suites on Redis and PostgreSQL.
 */
import { MemoryLedger, MemoryReplayStore } from '../src/index.ts';
import { ledgerSuite, replayStoreSuite } from './store-suites.ts';

replayStoreSuite('memory', async () => new MemoryReplayStore());
ledgerSuite('memory', async (opts) => new MemoryLedger(opts));
