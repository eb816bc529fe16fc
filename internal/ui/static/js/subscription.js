// A live subscription to one project (docs/subscribe.md): /symetry/ws/subscribe, extraKeys
// [pid], the first message signed and carrying the subscribe, later ones bare session
// frames. A lost connection is dialled again with growing pauses (0.5 s to 10 s) and every
// subscription held is sent again in its signed first message; the server then starts over
// with the names and first values, which the handlers take as updates.

import { signedMessage, wsURL } from './wsmsg.js';

const PATH = '/symetry/ws/subscribe';
// A browser cannot send WebSocket pings; the client message {} keeps the connection from
// limits.idle_timeout (default 5 minutes).
const KEEPALIVE_MS = 60000;

/** A pair's key in the sets below. */
const pairKey = (a, b) => JSON.stringify([a, b]);

/**
 * Subscription: new Subscription(signer, pid, {onMessage(msg), onState(state, detail)}).
 * States: 'connecting', 'live', 'reconnecting' (detail: why), 'ended' (detail: why; no more
 * reconnects: the project was deleted, the server refused the key or the project, or close()).
 * One per view; not shared.
 */
export class Subscription {
  constructor(signer, pid, handlers) {
    this.signer = signer;
    this.pid = pid;
    this.onMessage = handlers.onMessage || (() => {});
    this.onState = handlers.onState || (() => {});
    this.names = new Set();
    this.pairs = new Map();
    this.ws = null;
    this.ended = false;
    this.delay = 500;
    this.reconnects = 0;
    this.timer = null;
    this.keepalive = null;
    this.queue = []; // messages made while the first message is unanswered
  }

  /** Opens the connection; subscribe before or after, it is remembered either way. */
  start() {
    this.connect();
  }

  /** Watches names and pairs ([[a, b], ...]) from now on, across reconnects. */
  subscribe(names = [], pairs = []) {
    names.forEach((n) => this.names.add(n));
    pairs.forEach(([a, b]) => this.pairs.set(pairKey(a, b), [a, b]));
    this.send({ type: 'subscribe', names, pairs });
  }

  /** Stops watching names and pairs. */
  unsubscribe(names = [], pairs = []) {
    names.forEach((n) => this.names.delete(n));
    pairs.forEach(([a, b]) => this.pairs.delete(pairKey(a, b)));
    this.send({ type: 'unsubscribe', names, pairs });
  }

  /** Ends the subscription for good. */
  close() {
    this.end('closed');
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.authenticated) {
      this.ws.send(JSON.stringify(msg));
    } else {
      // Not live: the next first message carries what the sets hold; a message made after
      // that first message was sent goes once it is answered.
      this.queue.push(msg);
    }
  }

  end(why) {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    clearInterval(this.keepalive);
    if (this.ws) this.ws.close(1000);
    this.onState('ended', why);
  }

  connect() {
    if (this.ended) return;
    this.onState(this.reconnects === 0 ? 'connecting' : 'reconnecting', 'connecting');
    const url = wsURL(PATH);
    const ws = new WebSocket(url);
    this.ws = ws;
    this.authenticated = false;
    ws.onopen = async () => {
      // Everything held is sent again: the first message after a reconnect carries it all.
      this.queue = [];
      const first = JSON.stringify({ type: 'subscribe', names: [...this.names], pairs: [...this.pairs.values()] });
      try {
        ws.send(await signedMessage(this.signer, url, [this.pid], first));
      } catch (e) {
        this.end(`cannot sign: ${e.message}`);
      }
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // the server sends JSON objects only
      }
      if (msg.type === 'names' && msg.initial) {
        this.authenticated = true;
        this.delay = 500;
        clearInterval(this.keepalive);
        this.keepalive = setInterval(() => this.send({}), KEEPALIVE_MS);
        this.onState('live', '');
        this.onMessage(msg);
        this.queue.splice(0).forEach((m) => this.send(m));
        return;
      }
      if (msg.type === 'error' && !this.authenticated) {
        // The first message was refused: a wrong key, a date out of the window, or a
        // project this customer does not have. Dialling again would be refused the same way.
        this.onMessage(msg);
        this.end(`${msg.statusCode}: ${msg.statusString}`);
        return;
      }
      if (msg.type === 'closed') {
        this.onMessage(msg);
        this.end(msg.reason);
        return;
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      clearInterval(this.keepalive);
      if (this.ended || this.ws !== ws) return;
      this.authenticated = false;
      this.reconnects++;
      const why = ev.code === 1006 ? 'connection lost' : `connection closed (${ev.code}${ev.reason ? ' ' + ev.reason : ''})`;
      this.onState('reconnecting', `${why}; trying again in ${(this.delay / 1000).toFixed(1)} s`);
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(10000, this.delay * 2);
    };
  }
}
