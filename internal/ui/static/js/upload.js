// The upload tab: drop a CSV, check the inferred column types (editable), upload it with a
// progress bar (bytes, MB/s), then finalize — learn or forget it as one change — with the
// job's progress bar; a refused cell is shown with its line and column.
//
// The bytes go as docs/uploads.md says: announce (POST /uploads), binary chunks on
// /symetry/ws/upload (8-byte big-endian position, then the bytes), a few in flight, each
// acknowledged once durable; after a lost connection the upload resumes with the ranges the
// server says are missing. A server without the upload endpoint (404 on the announce) gets
// the file as DataFrames on REST learn instead, checked cell by cell before the first is
// sent and undone (forgotten) if the server refuses one later, so that it is learned whole
// or not at all, as `symscore learn` does.

import { h, replace, errorBox, fmtBytes, progressBar, select } from './dom.js';
import { parseCSV, inferTypes, checkRecords, CSVError } from './csv.js';
import { ApiError } from './api.js';
import { signedMessage, wsURL } from './wsmsg.js';

const SAMPLE_BYTES = 4 << 20; // types are inferred from the file's first 4 MiB
const MAX_CHUNK = 1 << 20;
const IN_FLIGHT = 4;
const MAX_RESUMES = 5;
const FRAME_ROWS = 2000; // rows per DataFrame without the upload endpoint
const MAX_FRAMES_FILE = 512 << 20; // the largest file sent as DataFrames (it is read whole)

export function uploadTab(root, ctx) {
  const api = ctx.app.api;
  const input = h('input#upload-file', { type: 'file', accept: '.csv,text/csv' });
  const drop = h('div#dropzone.dropzone', 'Drop a CSV file here, or ', input);
  const preview = h('div#upload-preview');
  const msg = h('div#upload-msg.msg');
  const bytesBar = progressBar('');
  bytesBar.el.id = 'upload-progress';
  const jobBar = progressBar('');
  jobBar.el.id = 'job-progress';
  const bars = h('div.bars', { hidden: true }, h('label', 'bytes'), bytesBar.el, h('label', 'learning'), jobBar.el);
  let file = null;
  let names = [];
  let typeSelects = [];
  let busy = false;

  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    if (ev.dataTransfer.files.length > 0) choose(ev.dataTransfer.files[0]);
  });
  input.addEventListener('change', () => { if (input.files.length > 0) choose(input.files[0]); });

  async function choose(f) {
    if (busy) return;
    file = f;
    replace(msg);
    bars.hidden = true;
    try {
      const whole = f.size <= SAMPLE_BYTES;
      const text = await f.slice(0, SAMPLE_BYTES).text();
      const recs = parseCSV(text, !whole);
      if (recs.length === 0) throw new CSVError(1, '', 'no header line');
      names = recs[0].cells;
      const body = recs.slice(1);
      const types = inferTypes(names.length, body);
      typeSelects = types.map((t, j) => select({ 'data-column': names[j], class: 'type' },
        [['C', 'C number'], ['B', 'B 0/1'], ['T', 'T category'], ['X', 'X ignore']], t));
      const op = select({ id: 'upload-op' }, [['learn', 'learn'], ['forget', 'forget']], 'learn');
      const skip = h('input#upload-skip', { type: 'checkbox' });
      replace(preview, h('div.card',
        h('h3', `${f.name} — ${fmtBytes(f.size)}`),
        h('p.hint', whole
          ? `Types inferred from the whole file (${body.length} rows). Change any before uploading.`
          : `Types inferred from the first ${fmtBytes(SAMPLE_BYTES)} (${body.length} rows). Change any before uploading.`),
        h('div.scroll', h('table#upload-types.numbers',
          h('thead', h('tr', names.map((n) => h('th', n)))),
          h('tbody', h('tr', typeSelects.map((s) => h('td', s))),
            body.slice(0, 5).map((r) => h('tr.sample', r.cells.map((c) => h('td', c))))))),
        h('div.row', h('label', 'operation ', op), h('label', skip, ' skip bad rows (errorHandling 1)'),
          h('button#upload-start', { type: 'button', onclick: () => start(op.value, skip.checked ? 1 : 0) }, 'Upload'))));
    } catch (e) {
      replace(preview);
      replace(msg, errorBox(e));
    }
  }

  async function start(op, errorHandling) {
    if (busy || !file) return;
    busy = true;
    const types = typeSelects.map((s) => s.value);
    bars.hidden = false;
    bytesBar.set(0, 'starting…');
    jobBar.set(0, '');
    replace(msg);
    try {
      let announced;
      try {
        announced = await api.announceUpload(ctx.pid, file.name, file.size);
      } catch (e) {
        if (!(e instanceof ApiError) || e.http !== 404) throw e;
        announced = null; // no upload endpoint on this server
      }
      const result = announced
        ? await viaUpload(announced, op, types, errorHandling)
        : await viaFrames(op, types, errorHandling);
      replace(msg, h('div.ok#upload-done', result));
      // Once learned, the same file is not sent again by a second click: choose it anew.
      const again = preview.querySelector('#upload-start');
      if (again) again.disabled = true;
      ctx.refreshInfo();
    } catch (e) {
      jobBar.set(Number(jobBar.el.dataset.percent || 0) / 100, 'failed: nothing of the file was learned');
      replace(msg, errorBox(e), where(e));
    } finally {
      busy = false;
    }
  }

  // The place of a refused cell, from the server's `file:line:field: column "c"` or the
  // page's own check: a line under the message, which stays as the server said it.
  function where(e) {
    if (e instanceof CSVError) return null; // its message says line and column already
    const m = /:(\d+):(\d+): column ("(?:[^"\\]|\\.)*")/.exec(e.message || '');
    return m ? h('div#upload-where.hint', `line ${m[1]}, field ${m[2]}, column ${m[3]}`) : null;
  }

  // The upload protocol (docs/uploads.md).
  async function viaUpload(a, op, types, errorHandling) {
    const id = a.uploadId;
    const chunk = Math.max(1, Math.min(MAX_CHUNK, a.chunkSize || MAX_CHUNK));
    const t0 = performance.now();
    let sent = 0; // bytes acknowledged on this page, for MB/s
    const show = (received) => {
      const secs = (performance.now() - t0) / 1000;
      const mbs = secs > 0 ? sent / secs / 1e6 : 0;
      bytesBar.set(file.size === 0 ? 1 : received / file.size,
        `${fmtBytes(received)} of ${fmtBytes(file.size)} — ${mbs.toFixed(1)} MB/s`);
    };
    let missing = [[0, file.size]];
    for (let attempt = 0; ; attempt++) {
      try {
        await sendRanges(id, missing, chunk, (n, received) => { sent += n; show(received); });
      } catch (e) {
        if (e instanceof ApiError || attempt >= MAX_RESUMES) throw e;
        bytesBar.set(Number(bytesBar.el.dataset.percent) / 100, `connection lost (${e.message}); resuming…`);
        await new Promise((res) => setTimeout(res, 500 * (attempt + 1)));
      }
      const st = await api.upload(id);
      show(st.received);
      if (st.complete || st.received === st.size) break;
      missing = st.missing;
    }
    jobBar.set(0, 'finalizing…');
    const job = await api.finalizeUpload(id, op, types.join(','), errorHandling);
    const env = await api.awaitJob(job, (e) => {
      const p = e.values && e.values.progress;
      if (p) jobBar.set(p.fraction, `${fmtBytes(p.bytes)} read, ${p.rows} rows`);
    });
    const v = env.values || {};
    jobBar.set(1, `done: ${v.rowsApplied ?? '?'} rows ${op === 'forget' ? 'forgotten' : 'learned'}${v.rowsSkipped ? `, ${v.rowsSkipped} skipped` : ''}`);
    return `${file.name}: ${v.rowsApplied ?? ''} rows ${op === 'forget' ? 'forgotten' : 'learned'}${v.rowsSkipped ? `, ${v.rowsSkipped} bad rows skipped` : ''}.`;
  }

  // Sends the byte ranges [[from, to), ...] of the file on one connection, IN_FLIGHT chunks
  // at a time; onAck(bytes, received) after each acknowledgement. A refusal is an ApiError;
  // a lost connection an Error.
  function sendRanges(id, ranges, chunk, onAck) {
    const todo = [];
    for (const [from, to] of ranges) for (let p = from; p < to; p += chunk) todo.push([p, Math.min(to, p + chunk)]);
    return new Promise((resolve, reject) => {
      const url = wsURL('/symetry/ws/upload');
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      let ready = false;
      let inflight = 0;
      let failed = false;
      const fail = (e) => {
        if (failed) return;
        failed = true;
        ws.close();
        reject(e);
      };
      const pump = async () => {
        while (ready && !failed && inflight < IN_FLIGHT && todo.length > 0) {
          const [from, to] = todo.shift();
          inflight++;
          const bytes = new Uint8Array(await file.slice(from, to).arrayBuffer());
          const frame = new Uint8Array(8 + bytes.length);
          new DataView(frame.buffer).setBigUint64(0, BigInt(from));
          frame.set(bytes, 8);
          if (ws.readyState !== WebSocket.OPEN) return;
          ws.send(frame);
        }
        if (ready && inflight === 0 && todo.length === 0 && !failed) {
          failed = true; // done: the close below is not a failure
          ws.close(1000);
          resolve();
        }
      };
      ws.onopen = async () => {
        try {
          ws.send(await signedMessage(ctx.app.signer, url, [id], '{}'));
        } catch (e) {
          fail(e);
        }
      };
      ws.onmessage = (ev) => {
        let r;
        try {
          r = JSON.parse(ev.data);
        } catch {
          fail(new Error('the server sent something that is not JSON'));
          return;
        }
        if (r.statusCode !== 'OK') {
          fail(new ApiError(400, r.statusCode, r.statusString, r.values));
          return;
        }
        if (!ready) {
          ready = true;
        } else {
          inflight--;
          onAck(r.values.length || 0, r.values.received);
        }
        pump();
      };
      ws.onclose = (ev) => fail(new Error(`connection closed (${ev.code})`));
      ws.onerror = () => {};
    });
  }

  // Without the upload endpoint: DataFrames on REST learn.
  async function viaFrames(op, types, errorHandling) {
    if (file.size > MAX_FRAMES_FILE) {
      throw new Error(`this server has no upload endpoint, and a file of ${fmtBytes(file.size)} is too large to send as DataFrames from the browser (at most ${fmtBytes(MAX_FRAMES_FILE)})`);
    }
    bytesBar.set(0, 'reading the file…');
    const recs = parseCSV(await file.text());
    const header = recs.shift();
    if (!header) throw new CSVError(1, '', 'no header line');
    if (errorHandling === 0) checkRecords(header.cells, types, recs);
    jobBar.set(0, `this server has no upload endpoint: learning as DataFrames (${recs.length} rows)`);
    const t0 = performance.now();
    const undo = op === 'forget' ? 'learn' : 'forget';
    const done = [];
    let applied = 0;
    let skipped = 0;
    for (let i = 0; i < recs.length; i += FRAME_ROWS) {
      const part = recs.slice(i, i + FRAME_ROWS);
      const frame = { attributeNames: header.cells, attributeTypes: types, data: part.map((r) => r.cells), errorHandling };
      try {
        const r = await api.learn(ctx.pid, frame, op);
        const v = r.env.values || {};
        applied += v.rowsApplied ?? part.length;
        skipped += v.rowsSkipped ?? 0;
        if (errorHandling === 0) done.push(frame);
      } catch (e) {
        for (const f of done.reverse()) await api.learn(ctx.pid, f, undo).catch(() => {});
        const where = e instanceof ApiError ? ` (in the rows from line ${part[0].line})` : '';
        throw new Error(`${e.message}${where}; nothing of the file was kept`);
      }
      const end = Math.min(recs.length, i + FRAME_ROWS);
      const secs = (performance.now() - t0) / 1000;
      const frac = end / recs.length;
      bytesBar.set(frac, `${fmtBytes(Math.round(frac * file.size))} of ${fmtBytes(file.size)} — ${(frac * file.size / Math.max(secs, 1e-3) / 1e6).toFixed(1)} MB/s`);
      jobBar.set(frac, `${end} of ${recs.length} rows`);
    }
    if (recs.length === 0) {
      bytesBar.set(1, 'the file has no rows');
      throw new Error('the file has no rows: nothing to learn');
    }
    return `${file.name}: ${applied} rows ${op === 'forget' ? 'forgotten' : 'learned'}${skipped ? `, ${skipped} bad rows skipped` : ''} (as DataFrames: this server has no upload endpoint).`;
  }

  replace(root, h('div.card', h('h3', 'Upload a CSV file'), drop), preview, bars, msg);
  return { dispose() {} };
}
