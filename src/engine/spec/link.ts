/**
 * Share links: the spec as JSON, compressed with lz-string into the URL hash (#s=…). Decoding never
 * throws: it returns the spec or readable errors for a malformed, truncated, oversized or
 * future-version link, or one with values out of range.
 */
import LZString from 'lz-string';
import { specParse, type SpecError, type SpecResult } from './schema';

export const LINK_PARAM = 's';
/** longest encoded payload we accept: well inside every browser's URL limit */
export const LINK_MAX_ENCODED = 16_000;
/** longest JSON we accept after decompression (guards against decompression bombs) */
export const LINK_MAX_JSON = 200_000;

/** The hash fragment (without '#') that encodes a spec. */
export function linkEncode(spec: unknown): string {
  return `${LINK_PARAM}=${LZString.compressToEncodedURIComponent(JSON.stringify(spec))}`;
}

/** A full URL for a spec on top of a base address (the app's page). */
export function linkUrl(base: string, spec: unknown): string {
  return `${base.split('#')[0]}#${linkEncode(spec)}`;
}

const fail = (message: string): SpecResult => ({ ok: false, errors: [{ path: 'link', message } satisfies SpecError] });

/** The encoded payload of a URL, a hash ("#s=…"), or a bare "s=…"; null if none. */
export function linkPayload(input: string): string | null {
  const text = input.trim();
  const hash = text.includes('#') ? text.slice(text.indexOf('#') + 1) : text;
  for (const part of hash.split('&')) {
    if (part.startsWith(`${LINK_PARAM}=`)) return part.slice(LINK_PARAM.length + 1);
  }
  return null;
}

/** Decodes a share link (a URL, its hash, or the bare "s=…" part) into a validated spec. */
export function linkDecode(input: string, options: { allowLarge?: boolean } = {}): SpecResult {
  // a chat app or mail client may percent-encode the link's '+' and '$' (or turn '+' into a space)
  const raw = linkPayload(input);
  if (raw === null) return fail(`no experiment in this link (expected "#${LINK_PARAM}=…" in the address)`);
  const payload = raw.replace(/%2B/gi, '+').replace(/%24/gi, '$').replace(/ /g, '+');
  if (payload.length === 0) return fail('the link is empty after "#s="; it was probably cut off');
  if (payload.length > LINK_MAX_ENCODED)
    return fail(`the link is too long (${payload.length} characters; at most ${LINK_MAX_ENCODED})`);
  if (!/^[A-Za-z0-9+\-$]*$/.test(payload))
    return fail('the link contains characters that a share link never has; it was changed or mis-copied');
  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  if (!json) return fail('the link is corrupted or truncated: it could not be decompressed');
  if (json.length > LINK_MAX_JSON)
    return fail(`the link expands to more than ${LINK_MAX_JSON} characters; refusing to read it`);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return fail('the link is corrupted or truncated: its contents are not valid JSON');
  }
  return specParse(doc, options);
}
