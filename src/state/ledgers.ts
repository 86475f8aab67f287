/**
 * The ledgers store (src/state/ledger/): what features import. The open ledger, its entries, the
 * core's ledger check of it (problems by entry), its audit, its checkpoints, and the actions.
 */
export { useLedgers } from './ledger/store.ts';
export { BundleRefused, ImportCancelled } from './ledger/import.ts';
export type {
  CheckpointView,
  ImportProgress,
  ImportResult,
  LedgersState,
  PinnedCheckpoint,
} from './ledger/context.ts';
