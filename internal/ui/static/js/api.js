// The signed REST client (docs/protocol.md 2): every request signed with the Signer, every
// answer read as the envelope {statusCode, statusString, values}. A refusal is thrown as an
// ApiError carrying the server's own words, which the page shows as they are.

import { contentMD5, restStringToSign, symDate } from './sign.js';

/** An answer that is not a success, or a server that could not be reached (http 0). */
export class ApiError extends Error {
  constructor(http, statusCode, statusString, values) {
    super(http === 0 ? statusString : `${statusCode}: ${statusString}`);
    this.http = http;
    this.statusCode = statusCode;
    this.statusString = statusString;
    this.values = values || {};
  }
}

/**
 * Escapes one path segment or query value: encodeURIComponent, and the characters it leaves
 * that a browser may escape on its own in a query (!'()*), so that the bytes sent are the
 * bytes signed.
 */
export function esc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A query string from an object, in its keys' order; undefined values are left out. */
export function query(params) {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${esc(k)}=${esc(String(v))}`)
    .join('&');
}

/** The REST client of one customer. */
export class Api {
  constructor(signer) {
    this.signer = signer;
    this.prefix = '/symetry/rest/' + esc(signer.cid);
  }

  /**
   * Sends a signed request: method, path under /symetry/rest/{cid} (already escaped), the
   * raw query (or ''), the body (an object sent as JSON, a string sent as it is, or null for
   * none). It returns {http, env, headers} for a 2xx answer and throws an ApiError otherwise.
   */
  async request(method, rel, rawQuery = '', body = null) {
    const path = this.prefix + rel;
    const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const date = symDate();
    const md5 = text === '' ? '' : contentMD5(text);
    const sig = await this.signer.sign(
      restStringToSign(method, md5, this.signer.secret, date, this.signer.cid, text, path, rawQuery));
    let resp;
    try {
      resp = await fetch(path + (rawQuery ? '?' + rawQuery : ''), {
        method,
        headers: { 'Authorization': sig, 'sym-date': date, 'Content-MD5': md5, 'Content-Type': 'application/json' },
        body: text === '' ? undefined : text,
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
      });
    } catch (e) {
      throw new ApiError(0, 'UNREACHABLE', `cannot reach the server (${e.message})`);
    }
    let env;
    const raw = await resp.text();
    try {
      env = JSON.parse(raw);
    } catch {
      env = { statusCode: `HTTP ${resp.status}`, statusString: raw.slice(0, 200) || resp.statusText, values: {} };
    }
    if (resp.status >= 400) {
      throw new ApiError(resp.status, env.statusCode, env.statusString, env.values);
    }
    return { http: resp.status, env, headers: resp.headers };
  }

  // The control plane, as docs/protocol.md 2 lists it.

  async listProjects() {
    const r = await this.request('GET', '/projects/list');
    return (r.env.values.stringList && r.env.values.stringList.values) || [];
  }

  createProject(pid, type, partitionSplit) {
    const body = type === 'partition' ? { partitionSplit } : null;
    return this.request('POST', '/projects', query({ pid, type }), body);
  }

  deleteProject(pid) {
    return this.request('DELETE', '/projects/' + esc(pid));
  }

  async info(pid) {
    const r = await this.request('GET', `/projects/${esc(pid)}/info`);
    return r.env.values.smlInfo;
  }

  learn(pid, frame, op = 'learn') {
    return this.request('POST', `/projects/${esc(pid)}/${op}`, '', frame);
  }

  /** Starts a build; returns the job's path under the prefix (from Location). */
  async build(pid, algo, modelId, mlContext) {
    const r = await this.request('POST', `/projects/${esc(pid)}/build`, query({ algo, modelid: modelId }), mlContext);
    return this.jobPath(r.headers);
  }

  /** The job path under the prefix from a 202's Location (or sym-job-id). */
  jobPath(headers) {
    const loc = headers.get('Location') || '';
    if (loc.startsWith(this.prefix + '/')) return loc.slice(this.prefix.length);
    const id = headers.get('sym-job-id');
    if (id) return '/jobs/' + esc(id);
    throw new ApiError(0, 'BAD_REPLY', 'the server accepted the job but named no job (no Location header)');
  }

  /** One look at a job: {done, env}; a failed job throws its ApiError. */
  async job(path) {
    const r = await this.request('GET', path);
    return { done: r.http === 200, env: r.env };
  }

  /**
   * Polls a job until it is finished, calling onProgress(env) on each answer; it throws the
   * job's failure. Polls every 100 ms at first, slowing to one a second.
   */
  async awaitJob(path, onProgress = () => {}) {
    for (let wait = 100; ; wait = Math.min(1000, wait * 1.5)) {
      const { done, env } = await this.job(path);
      onProgress(env);
      if (done) return env;
      await new Promise((res) => setTimeout(res, wait));
    }
  }

  async modelInfo(pid, modelId) {
    const r = await this.request('GET', `/projects/${esc(pid)}/models/${esc(modelId)}`);
    return r.env.values.modelInfo;
  }

  deleteModel(pid, modelId) {
    return this.request('DELETE', `/projects/${esc(pid)}/models/${esc(modelId)}`);
  }

  /** Predictions of a DataFrame: one map per row. */
  async predict(pid, modelId, frame, impute = false) {
    const r = await this.request('POST', `/projects/${esc(pid)}/predict/${esc(modelId)}`,
      impute ? 'impute=true' : '', frame);
    return r.env.values.KSVSMap.values;
  }

  /** Exploration: one map per MLContext. */
  async explore(pid, metric, contexts) {
    const r = await this.request('POST', `/projects/${esc(pid)}/explore`, query({ metric }), { values: contexts });
    return r.env.values.KSVDMap.values;
  }

  // Uploads (docs/uploads.md).

  async announceUpload(pid, name, size) {
    const r = await this.request('POST', '/uploads', '', { pid, name, size, format: 'csv' });
    return r.env.values;
  }

  async upload(id) {
    const r = await this.request('GET', '/uploads/' + esc(id));
    return r.env.values;
  }

  async finalizeUpload(id, op, types, errorHandling) {
    const r = await this.request('POST', `/uploads/${esc(id)}/finalize`, '', { op, types, errorHandling });
    return this.jobPath(r.headers);
  }

  deleteUpload(id) {
    return this.request('DELETE', '/uploads/' + esc(id));
  }
}
