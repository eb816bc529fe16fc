// Signing symscore requests in the browser (docs/protocol.md 1.2 and 2).
//
// HMAC-SHA256 goes through Web Crypto where the page is a secure context (https, localhost,
// 127.0.0.0/8), where crypto.subtle exists; elsewhere — plain http from another host — through
// @noble/hashes, vendored and pinned (internal/ui/vendor.sh). MD5 (Content-MD5) always comes
// from @noble/hashes: Web Crypto has none. The secret is kept in the Signer (and, by app.js,
// in the tab's sessionStorage); it goes into the strings to sign, which are never sent.

import { hmac } from '../vendor/noble-hashes/hmac.js';
import { sha256 } from '../vendor/noble-hashes/sha2.js';
import { md5 } from '../vendor/noble-hashes/legacy.js';

const utf8 = new TextEncoder();

/** Base64 of bytes (a Uint8Array). */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const base64Text = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of canonical padded Base64 text, as `symscore keygen` prints a secret; it throws
 * on anything else (the server would refuse every signature made with such a key).
 */
export function fromBase64(text) {
  if (text === '' || !base64Text.test(text)) {
    throw new Error('the secret is not Base64 text (symscore keygen prints one, e.g. A1ciUrDJgm5LIJU710bxeQ==)');
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toBase64(out) !== text) {
    throw new Error('the secret is not canonical Base64 (its last character carries stray bits)');
  }
  return out;
}

/** Content-MD5 of a text: Base64 of the MD5 of its UTF-8 bytes. */
export function contentMD5(text) {
  return toBase64(md5(utf8.encode(text)));
}

/** The number of UTF-8 bytes of a text. */
export function utf8Length(text) {
  return utf8.encode(text).length;
}

let lastMillis = 0;
let sameMillis = 0;

/**
 * A sym-date for now: UTC `yyyy-MM-dd HH:mm:ss;nnnnnnnnn`. JavaScript clocks give
 * milliseconds; the six digits below them count the dates made within one millisecond, so
 * that two requests never carry the same date (the server refuses a repeated signature as a
 * replay, docs/protocol.md 1.3). Dates never go backwards within a page, even when the clock
 * does.
 */
export function symDate(now = Date.now()) {
  if (now <= lastMillis) {
    now = lastMillis;
    sameMillis++;
    if (sameMillis > 999999) { // a million requests in one millisecond: borrow the next one
      now = ++lastMillis;
      sameMillis = 0;
    }
  } else {
    lastMillis = now;
    sameMillis = 0;
  }
  const d = new Date(now);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const nanos = d.getUTCMilliseconds() * 1000000 + sameMillis;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())};${p(nanos, 9)}`;
}

/**
 * The REST string to sign (docs/protocol.md 2): method, Content-MD5 (empty without a body),
 * secret, date, cid, the body (its line left out when there is none), the path as sent, the
 * raw query (left out when there is none).
 */
export function restStringToSign(method, md5Text, secret, date, cid, body, path, rawQuery) {
  let s = `${method}\n${md5Text}\n${secret}\n${date}\n${cid}\n`;
  if (body !== '') s += body + '\n';
  s += path + '\n';
  if (rawQuery !== '') s += rawQuery + '\n';
  return s;
}

/**
 * The WebSocket string to sign (docs/protocol.md 1.2): Content-MD5, secret, date, cid, the
 * payload, the URL dialled, then every extra key, each followed by a newline.
 */
export function wsStringToSign(md5Text, secret, date, cid, payload, serviceURL, extraKeys) {
  let s = `${md5Text}\n${secret}\n${date}\n${cid}\n${payload}\n${serviceURL}\n`;
  for (const k of extraKeys) s += k + '\n';
  return s;
}

/** How a Signer computes its HMACs. */
export const WEB_CRYPTO = 'Web Crypto';
export const JAVASCRIPT = 'JavaScript (@noble/hashes 2.4.0)';

/**
 * A customer's key: its cid and secret, and the HMAC-SHA256 that signs with it. Make one
 * with Signer.create; it holds no other state and may sign any number of strings at once.
 */
export class Signer {
  #key; // Web Crypto CryptoKey (not extractable), or the raw key bytes for @noble/hashes

  constructor(cid, secret, mode, key) {
    this.cid = cid;
    this.secret = secret;
    this.mode = mode;
    this.#key = key;
  }

  /**
   * A Signer for cid and secret. useWebCrypto: 'auto' (Web Crypto when the page has it),
   * false (always @noble/hashes). It throws when the secret is not Base64 or the cid is
   * empty: nothing the server would accept could be signed.
   */
  static async create(cid, secret, useWebCrypto = 'auto') {
    if (typeof cid !== 'string' || cid === '') throw new Error('the customer id (cid) is empty');
    const raw = fromBase64(secret);
    const subtle = globalThis.crypto && globalThis.crypto.subtle;
    if (useWebCrypto !== false && subtle) {
      const key = await subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Signer(cid, secret, WEB_CRYPTO, key);
    }
    return new Signer(cid, secret, JAVASCRIPT, raw);
  }

  /** Base64 of HMAC-SHA256(key, UTF-8 of text). */
  async sign(text) {
    const msg = utf8.encode(text);
    if (this.mode === WEB_CRYPTO) {
      return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', this.#key, msg)));
    }
    return toBase64(hmac(sha256, this.#key, msg));
  }
}
