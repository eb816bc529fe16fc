#!/usr/bin/env node
// End-to-end example of symscore's RPC endpoint, /symetry/ws/rpc, with the unmodified wslink
// JavaScript client from npm (docs/rpc.md): sign in, create a project, subscribe to the live
// statistics of one attribute (topic symscore.data), learn iris, print the published value
// that holds every row, build an lda model, score four rows with symscore.predict_matrix (a
// float64 matrix in, one out), delete the project.
//
// Environment: SYMSCORE_URL (default http://127.0.0.1:8080), SYMSCORE_CID, SYMSCORE_SECRET,
// SYMSCORE_PID (default jsIris; the first argument overrides it), SYMSCORE_IRIS (path of
// iris.csv; default ../testdata/iris.csv next to this file), WSLINK=1 to use wslink 1.x
// (JSON text frames and binary attachments) instead of 2.x (MessagePack, chunked frames).
//
// Standard output holds the published statistics of sepal_length once every row is learned,
// `data name=sepal_length count=150 max=... mean=... min=... stddev=... variance=...`, then
// the predictions, one line per row: `row=<i> key=value ...`, keys sorted, the class (key res
// of a classifier) by its name, every other value as the number predict_matrix gives (a
// boolean as 1 or 0), as JavaScript writes numbers. Progress goes to standard error. Exit
// status 0 on success, 1 on failure.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

// wslink's bundle is built for browsers: it reads `self`, `window.location` and
// `document.baseURI` when it loads, and uses the global WebSocket. In Node, the `ws`
// package (8.18 or later: it delivers binary messages as Blobs, as wslink asks) is that
// WebSocket.
globalThis.self = globalThis;
globalThis.window = globalThis.window || {
  location: { protocol: 'http:', hostname: 'localhost', host: 'localhost', port: '', pathname: '/' },
};
globalThis.document = globalThis.document || { baseURI: 'http://localhost/' };
globalThis.WebSocket = require('ws');

const version = process.env.WSLINK === '1' ? 1 : 2;
const { SmartConnect } = require(version === 1 ? 'wslink1' : 'wslink');

const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species',
  'Iris_setosa', 'Iris_versicolor', 'Iris_virginica'];
const TYPES = ['C', 'C', 'C', 'C', 'T', 'B', 'B', 'B'];
const INPUTS = COLUMNS.slice(0, 4);
const PREDICT_ROWS = [0, 50, 100, 149];
const WATCHED = 'sepal_length';
const PUBLICATION_TIMEOUT_MS = 30000;
const BATCH = 25;

const log = (msg) => process.stderr.write(msg + '\n');

// symDate is UTC "yyyy-MM-dd HH:mm:ss;nnnnnnnnn"; the fraction's last digits are random so
// that two hellos never share a signature.
function symDate() {
  const d = new Date();
  const p = (n, w) => String(n).padStart(w, '0');
  const nanos = d.getUTCMilliseconds() * 1e6 + crypto.randomInt(1e6);
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1, 2)}-${p(d.getUTCDate(), 2)} ` +
    `${p(d.getUTCHours(), 2)}:${p(d.getUTCMinutes(), 2)}:${p(d.getUTCSeconds(), 2)};${p(nanos, 9)}`;
}

// signedHello is the hello's secret: a SymetryML message with payload {} and no extraKeys,
// signed for the endpoint's URL (docs/protocol.md 1.1, 1.2; docs/rpc.md 3).
function signedHello(url, cid, secret) {
  const payload = '{}';
  const date = symDate();
  const md5 = crypto.createHash('md5').update(payload).digest('base64');
  const toSign = `${md5}\n${secret}\n${date}\n${cid}\n${payload}\n${url}\n`;
  const sig = crypto.createHmac('sha256', Buffer.from(secret, 'base64')).update(toSign).digest('base64');
  const header = JSON.stringify({ headers: [date, md5, sig, cid], extraKeys: [] });
  return `${Buffer.byteLength(header)},${header}${payload}`;
}

function readIris(file) {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== COLUMNS.join(',')) throw new Error(`${file}: header is not ${COLUMNS.join(',')}`);
  return lines.slice(1).map((l) => l.split(','));
}

// connect signs in through SmartConnect; its configDecorator signs a new hello for every
// connection (a hello is accepted once).
function connect(url, cid, secret) {
  return new Promise((resolve, reject) => {
    const smart = SmartConnect.newInstance({ config: { sessionURL: url } });
    smart.setConfigDecorator((config) => ({ ...config, secret: signedHello(url, cid, secret) }));
    smart.onConnectionReady((connection) => resolve({ smart, session: connection.getSession() }));
    smart.onConnectionError((_, err) => reject(new Error(`cannot sign in: ${JSON.stringify(err && (err.data || err.message || err))}`)));
    smart.onConnectionClose((_, ev) => log(`connection closed (${ev && ev.code})`));
    smart.connect();
  });
}

// bytesOf reads binary data as wslink gives it: a Uint8Array (2.x) or a Blob (1.x).
async function bytesOf(data) {
  if (data instanceof Uint8Array) return data;
  return new Uint8Array(await data.arrayBuffer());
}

// watchData subscribes to the live statistics of attribute name of project pid: every
// symscore.data publication of it is logged, and the promise it returns resolves with the
// first that counts `rows` rows (values are coalesced: the last state is always published).
async function watchData(session, pid, name, rows) {
  let done;
  const whole = new Promise((resolve) => { done = resolve; });
  session.subscribe('symscore.data', ([m]) => {
    if (m.pid !== pid || m.name !== name) return;
    log(`published: ${name} count ${m.values.count} mean ${m.values.mean} (version ${m.version})`);
    if (m.values.count === rows) done(m);
  });
  const ack = await session.call('symscore.subscribe', [pid, { names: [name] }]);
  log(`subscribed to ${ack.names.join(', ')} of ${pid}`);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no symscore.data publication of ${name} with ${rows} rows`)), PUBLICATION_TIMEOUT_MS);
  });
  return Promise.race([whole, timeout]).finally(() => clearTimeout(timer));
}

function formatData(m) {
  const cells = Object.keys(m.values).sort().map((k) => `${k}=${m.values[k]}`);
  return [`data name=${m.name}`, ...cells].join(' ');
}

function formatLine(row, keys, classes, values) {
  const cells = keys.map((k, i) => {
    const v = values[i];
    if (k === 'res' && classes.length > 0 && !Number.isNaN(v)) return `${k}=${classes[v]}`;
    return `${k}=${v}`;
  });
  return [`row=${row}`, ...cells.sort()].join(' ');
}

async function main() {
  const base = process.env.SYMSCORE_URL || 'http://127.0.0.1:8080';
  const url = base.replace(/^http/, 'ws') + '/symetry/ws/rpc';
  const cid = process.env.SYMSCORE_CID;
  const secret = process.env.SYMSCORE_SECRET;
  if (!cid || !secret) throw new Error('set SYMSCORE_CID and SYMSCORE_SECRET');
  const pid = process.argv[2] || process.env.SYMSCORE_PID || 'jsIris';
  const rows = readIris(process.env.SYMSCORE_IRIS || path.join(__dirname, '..', 'testdata', 'iris.csv'));

  const { smart, session } = await connect(url, cid, secret);
  log(`signed in with wslink ${version}.x`);
  try {
    await session.call('symscore.project.create', [pid, 'cpu', null]);
    const watched = watchData(session, pid, WATCHED, rows.length);
    watched.catch(() => {}); // awaited below, after the learns
    const learns = [];
    for (let i = 0; i < rows.length; i += BATCH) {
      learns.push(session.call('symscore.learn', [pid,
        { attributeNames: COLUMNS, attributeTypes: TYPES, data: rows.slice(i, i + BATCH) }]));
    }
    await Promise.all(learns); // in flight together; applied in the order sent
    log(`learned ${rows.length} rows`);
    process.stdout.write(formatData(await watched) + '\n');
    const info = await session.call('symscore.build', [pid, 'lda', 'lda1',
      { inputAttributeNames: INPUTS, targetAttributeNames: ['Iris_virginica'] }]);
    log(`built ${info.modelType} ${info.modelId} on ${info.rows} rows`);

    const matrix = new Float64Array(PREDICT_ROWS.length * INPUTS.length);
    PREDICT_ROWS.forEach((r, i) => INPUTS.forEach((_, j) => { matrix[i * INPUTS.length + j] = Number(rows[r][j]); }));
    const data = new Uint8Array(matrix.buffer); // little-endian, as every platform Node runs on
    const res = await session.call('symscore.predict_matrix', [pid, 'lda1',
      { columns: INPUTS, rows: PREDICT_ROWS.length, data: session.addAttachment(data) }]);
    const out = await bytesOf(res.data);
    const values = new Float64Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    PREDICT_ROWS.forEach((r, i) => {
      const k = res.keys.length;
      process.stdout.write(formatLine(r, res.keys, res.classes, Array.from(values.slice(i * k, (i + 1) * k))) + '\n');
    });
  } finally {
    await session.call('symscore.project.delete', [pid]).catch((err) => log(`delete: ${JSON.stringify(err)}`));
    smart.destroy(0);
  }
}

main().then(() => process.exit(0), (err) => {
  log(`example failed: ${err && err.stack ? err.stack : JSON.stringify(err)}`);
  process.exit(1);
});
