// Signed WebSocket messages (docs/protocol.md 1.1–1.2): `<N>,<header><payload>`, N the UTF-8
// length of the header, the header {"headers":[date, md5, signature, cid],"extraKeys":[...]}.

import { contentMD5, symDate, utf8Length, wsStringToSign } from './sign.js';

/** The URL of a WebSocket endpoint on the page's own server (ws: or wss: as the page). */
export function wsURL(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

/** A framed, signed message for serviceURL with extraKeys and a payload text. */
export async function signedMessage(signer, serviceURL, extraKeys, payload) {
  const date = symDate();
  const md5 = contentMD5(payload);
  const sig = await signer.sign(wsStringToSign(md5, signer.secret, date, signer.cid, payload, serviceURL, extraKeys));
  const header = JSON.stringify({ headers: [date, md5, sig, signer.cid], extraKeys });
  return `${utf8Length(header)},${header}${payload}`;
}
