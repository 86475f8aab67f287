/**
 * The creator's state: the payload being edited (the one source of truth the
 * form and the JSON editor both show), version, level, the chosen key, the
 * last signed or handed-over token and its tampered copy. Kept outside the
 * component tree so switching tabs keeps the work.
 */
import { create } from 'zustand';
import {
  createToken,
  decodeToken,
  DEFAULT_SETTINGS,
  detectVersion,
  EctError,
  type JsonObject,
  type Problem,
  type Version,
  jsonDepth,
} from 'wimse-ect';
import { useKeyring } from '../../state/keyring.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import type { StoredKey } from '../../storage/keys.ts';
import {
  convertVersion,
  defaultPayload,
  nowSeconds,
  readPolicy,
  writePolicy,
  type Policy,
} from './payload.ts';

export type Level = 'L1' | 'L2';

export interface ResultToken {
  token: string;
  level: Level;
  version: Version;
  /** 'signed' here, or handed over from the inspector. */
  source: 'signed' | 'handoff';
  /** The key that signed it (for 'signed' L2 tokens). */
  signer?: { name: string; kid: string; issuer: string | null };
  /** Increases with every result, so views can tell two equal tokens apart. */
  serial: number;
}

export interface Tampered {
  token: string;
  /** One line per change, oldest first. */
  changes: string[];
}

export interface SignError {
  message: string;
  problems: readonly Problem[];
}

export interface Handoff {
  /** The kid of the handed-over token's header (null for L1 or no kid). */
  kid: string | null;
  /** Why the handed-over token could not be loaded, if it could not. */
  error?: string;
}

export interface CreatorState {
  version: Version;
  level: Level;
  /** The key the user chose (StoredKey.id); null: the default (see selectSigningKey). */
  keyId: string | null;
  /** A kid to prefer when no key was chosen: the handed-over token's. */
  wantedKid: string | null;
  /** True until `iss` was set from a key or by the user. */
  issFromKeyPending: boolean;
  payload: JsonObject;
  result: ResultToken | null;
  tampered: Tampered | null;
  signError: SignError | null;
  signing: boolean;
  handoff: Handoff | null;
  /** Set while the JSON editor holds text that is not a JSON object (the form keeps the last valid payload). */
  editorError: string | null;

  setPayload(payload: JsonObject): void;
  /** From the JSON editor: also follows the version the claim names say. */
  setPayloadFromEditor(payload: JsonObject): void;
  setClaim(name: string, value: unknown): void;
  setPolicy(policy: Policy): void;
  setVersion(version: Version): void;
  setLevel(level: Level): void;
  chooseKey(id: string): void;
  /** Sets `iss` to the issuer of the default key once the keyring has loaded. */
  fillIssFromKey(issuer: string | null): void;
  sign(): Promise<void>;
  loadToken(token: string): void;
  setTampered(tampered: Tampered | null): void;
  setEditorError(error: string | null): void;
  reset(): void;
}

const currentNow = () => useVerifierSettings.getState().nowOverride ?? nowSeconds();

/** The signing keys (those with a private part). */
export const signingKeys = (keys: readonly StoredKey[]) => keys.filter((k) => k.privateKey);

/**
 * The key Sign uses: the one the user chose; else, for a handed-over token,
 * the signing key with its kid (none when the keyring lacks it); else the
 * first signing key.
 */
export function selectSigningKey(
  keys: readonly StoredKey[],
  keyId: string | null,
  wantedKid: string | null,
): StoredKey | null {
  const signing = signingKeys(keys);
  if (keyId) {
    const chosen = keys.find((k) => k.id === keyId);
    if (chosen) return chosen;
  }
  if (wantedKid) return signing.find((k) => k.kid === wantedKid) ?? null;
  return signing[0] ?? null;
}

let serial = 0;
/** Claims nested deeper than this are not loaded into the form (see loadToken). */
const MAX_EDITABLE_DEPTH = 64;
/** Claims longer than this as JSON are not loaded into the form either. */
const MAX_EDITABLE_CHARS = 200_000;

const initial = () => {
  const version: Version = '01';
  return {
    version,
    level: 'L2' as Level,
    keyId: null,
    wantedKid: null,
    issFromKeyPending: true,
    payload: defaultPayload(version, currentNow(), useVerifierSettings.getState().settings),
    result: null,
    tampered: null,
    signError: null,
    signing: false,
    handoff: null,
    editorError: null,
  };
};

export const useCreator = create<CreatorState>()((set, get) => ({
  ...initial(),

  setPayload: (payload) => set({ payload, signError: null, editorError: null }),
  setPayloadFromEditor: (payload) => {
    const detected = detectVersion(payload);
    set({
      payload,
      signError: null,
      editorError: null,
      ...(detected.version && !detected.conflict ? { version: detected.version } : {}),
      ...(Object.prototype.hasOwnProperty.call(payload, 'iss') ? { issFromKeyPending: false } : {}),
    });
  },
  setClaim: (name, value) => {
    const payload: JsonObject = { ...get().payload };
    if (value === undefined) delete payload[name];
    else payload[name] = value;
    set({
      payload,
      signError: null,
      editorError: null,
      ...(name === 'iss' ? { issFromKeyPending: false } : {}),
    });
  },
  setPolicy: (policy) => {
    const { payload, version } = get();
    set({
      payload: writePolicy(payload, version, { ...readPolicy(payload, version), ...policy }),
      signError: null,
      editorError: null,
    });
  },
  setVersion: (version) => {
    const s = get();
    if (s.version === version) return;
    set({ version, payload: convertVersion(s.payload, version), signError: null, editorError: null });
  },
  setLevel: (level) => set({ level, signError: null }),
  chooseKey: (id) => {
    const s = get();
    const keys = useKeyring.getState().keys;
    const before = selectSigningKey(keys, s.keyId, s.wantedKid);
    const next = keys.find((k) => k.id === id);
    const iss = s.payload.iss;
    // iss follows the key while it is empty or still the previous key's issuer.
    const follow = next?.issuer && (iss === undefined || iss === '' || (before && iss === before.issuer));
    set({
      keyId: id,
      signError: null,
      ...(follow
        ? { payload: { ...s.payload, iss: next.issuer }, issFromKeyPending: false, editorError: null }
        : {}),
    });
  },
  fillIssFromKey: (issuer) => {
    const s = get();
    if (!s.issFromKeyPending) return;
    if (issuer && (s.payload.iss === undefined || s.payload.iss === '')) {
      // iss goes first, as in the draft's examples.
      set({ payload: { iss: issuer, ...s.payload }, issFromKeyPending: false, editorError: null });
    } else set({ issFromKeyPending: false });
  },

  async sign() {
    const s = get();
    const { settings } = useVerifierSettings.getState();
    const keyring = useKeyring.getState();
    const key = s.level === 'L2' ? selectSigningKey(keyring.keys, s.keyId, s.wantedKid) : null;
    const refuse = (message: string) => set({ signError: { message, problems: [] } });
    if (s.editorError) {
      return refuse(
        `The payload JSON editor holds text that is not a JSON object (${s.editorError}). Fix it (or change any field of the form to rebuild it from the last valid payload), so that the token says what the editor shows.`,
      );
    }
    if (s.level === 'L2') {
      if (!key) {
        return refuse(
          signingKeys(keyring.keys).length === 0
            ? 'There is no signing key in the keyring. Generate one (or add the example agents) in Keys & trust, or create an unsigned L1 token instead.'
            : s.wantedKid
              ? `The keyring has no private key with kid "${s.wantedKid}" (the handed-over token's). Import it on Keys & trust (a private JWK, \`ect keygen\` output or a PKCS#8 PEM), or choose one of your signing keys and make "iss" that key's issuer.`
              : 'Choose a signing key.',
        );
      }
      if (!key.privateKey) {
        return refuse(
          `The key "${key.name}" (kid ${key.kid}) has no private part: it was imported as a public key, so it can verify tokens but not sign them. Import its private key on Keys & trust (a private JWK, \`ect keygen\` output or a PKCS#8 PEM), choose another key, or generate one.`,
        );
      }
    }
    set({ signing: true, signError: null });
    try {
      const created = await createToken(s.payload, {
        version: s.version,
        level: s.level,
        settings,
        now: currentNow(),
        ...(key?.privateKey ? { key: key.privateKey, kid: key.kid, alg: key.alg ?? 'ES256' } : {}),
      });
      set({
        signing: false,
        result: {
          token: created.token,
          level: created.level,
          version: created.version,
          source: 'signed',
          ...(key && created.level === 'L2'
            ? { signer: { name: key.name, kid: key.kid, issuer: key.issuer } }
            : {}),
          serial: ++serial,
        },
        tampered: null,
      });
    } catch (e) {
      set({
        signing: false,
        signError:
          e instanceof EctError
            ? { message: e.message, problems: e.problems }
            : {
                message: `Signing failed: ${e instanceof Error ? e.message : String(e)}`,
                problems: [],
              },
      });
    }
  },

  loadToken(token) {
    const decoded = decodeToken(token);
    if (!decoded.ok) {
      set({
        handoff: {
          kid: null,
          error: `The token from the inspector could not be decoded (${decoded.problem.part}): ${decoded.problem.message}. The form was left as it was.`,
        },
      });
      return;
    }
    const d = decoded.decoded;
    // The form and the JSON editor pretty-print the claims: nesting far past anything a valid
    // ECT holds (ect_ext allows depth 5) would overflow the stack or grow the text quadratically.
    const depth = jsonDepth(d.payload);
    if (depth > MAX_EDITABLE_DEPTH) {
      set({
        handoff: {
          kid: null,
          error: `The token's claims are nested ${depth} levels deep, too deep to edit here (at most ${MAX_EDITABLE_DEPTH}; a valid ECT's ect_ext has at most ${DEFAULT_SETTINGS.extMaxDepth}). The form was left as it was.`,
        },
      });
      return;
    }
    // Browsers take seconds to lay out a text box holding hundreds of thousands of characters.
    const size = JSON.stringify(d.payload).length;
    if (size > MAX_EDITABLE_CHARS) {
      set({
        handoff: {
          kid: null,
          error: `The token's claims are ${size.toLocaleString('en')} characters of JSON, too large to edit here (at most ${MAX_EDITABLE_CHARS.toLocaleString('en')}). The form was left as it was.`,
        },
      });
      return;
    }
    const typ = typeof d.header?.typ === 'string' ? d.header.typ.toLowerCase() : '';
    const version: Version = d.version ?? (typ.endsWith('wimse-exec+jwt') ? '00' : '01');
    const kid = typeof d.header?.kid === 'string' ? d.header.kid : null;
    set({
      version,
      level: d.level,
      payload: d.payload,
      keyId: null,
      wantedKid: kid,
      issFromKeyPending: false,
      result: { token: d.token, level: d.level, version, source: 'handoff', serial: ++serial },
      tampered: null,
      signError: null,
      editorError: null,
      handoff: { kid },
    });
  },

  setTampered: (tampered) => set({ tampered }),
  setEditorError: (editorError) => set({ editorError }),
  reset: () => set({ ...initial(), issFromKeyPending: true }),
}));
