import { describe, it, expect } from 'vitest';
import * as lib from './index.ts';

/**
 * The package's runtime API: every name here is documented where it is declared (npm run docs
 * fails on an undocumented one). A name added to or dropped from the index changes the API: this
 * list is where that is decided.
 */
const API = [
  'Base64UrlError',
  'CLAIMS',
  'CLAIM_NAMES',
  'ClaimsError',
  'DEFAULT_SETTINGS',
  'ENV_VARIABLES',
  'ERROR_CODES',
  'EXPLANATIONS',
  'EctError',
  'GENESIS_HASH',
  'KeyError',
  'MAX_TOKEN_LENGTH',
  'MIN_RSA_BITS',
  'MemoryLedger',
  'MemoryReplayStore',
  'MemoryTaskStore',
  'OptionsError',
  'POLICY_DECISIONS',
  'RECEIPT_TYP',
  'SETTING_NAMES',
  'STEPS',
  'STEP_IDS',
  'SUPPORTED_ALGS',
  'SettingsError',
  'StoreError',
  'TYP_BY_VERSION',
  'TrustStoreError',
  'UUID_RE',
  'auditReports',
  'auditTokens',
  'checkArrival',
  'checkClaims',
  'checkExt',
  'checkPredCount',
  'claimInfo',
  'computeEntryHash',
  'createToken',
  'decodeBase64Url',
  'decodeJsonPart',
  'decodeToken',
  'detectVersion',
  'encodeBase64Url',
  'encodeBase64UrlText',
  'explain',
  'fillClaims',
  'generateSigningKey',
  'importPrivateJwk',
  'importPublicJwk',
  'isErrorCode',
  'jsonDeeperThan',
  'jsonDepth',
  'matchesQuery',
  'migrationHints',
  'parseTrustStore',
  'quote',
  'resolveSettings',
  'serializeTrustStore',
  'settingsFromEnv',
  'signReceipt',
  'signatureOutcomeOf',
  'splitInput',
  'taskRecord',
  'unusableKeyReason',
  'validStoredReport',
  'verifyChain',
  'verifyReceipt',
  'verifyStoredWith',
  'verifyToken',
  'verifyTokens',
];

describe('the index', () => {
  it('exports exactly the API list', () => {
    expect(Object.keys(lib).sort()).toEqual([...API].sort());
  });

  it('keeps the internal helpers internal, and the dropped names dropped', () => {
    for (const name of [
      'str',
      'int',
      'utf8Encode',
      'utf8Decode',
      'stronglyConnected',
      'overTraversalLimit',
      'audOf',
      'emptyTrustStore',
      'oneLine',
      'ReplayCache',
      'MemoryTaskIndex',
      'arrivalRules',
      'resolveKey',
    ]) {
      expect(lib, name).not.toHaveProperty(name);
    }
  });
});
