import { encodeBase64Url } from 'wimse-ect';

/** base64url (unpadded) SHA-256 of the UTF-8 text: the form `inp_hash` and `out_hash` take (43 characters). */
export async function sha256Base64Url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return encodeBase64Url(new Uint8Array(digest));
}
