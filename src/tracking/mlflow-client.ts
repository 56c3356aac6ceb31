// A client of MLflow's tracking REST API, only the calls l2l's tracker makes (mlflow.ts), written
// from MLflow's documented contract: the REST API reference (https://mlflow.org/docs/latest/rest-api.html)
// and the protocol buffers it is generated from (mlflow/protos/service.proto, MlflowService: the
// experiments and runs endpoints under /api/2.0/mlflow/; mlflow/protos/mlflow_artifacts.proto, the
// artifacts proxy: PUT /api/2.0/mlflow-artifacts/artifacts/<path>). No MLflow server can be
// installed where this was written, so test/tracking/ holds it to a local server implementing that
// contract, not to MLflow itself.
//
// Every call has a timeout (AbortSignal.timeout), and every failure is one MlflowError naming the
// call and either the HTTP status with MLflow's error_code and message, or the network error: the
// tracker reports it in one line and decides what to do; this file never retries.

/**
 * log-batch's documented limits (service.proto, LogBatch, "Request Limits"): per request at most
 * 1000 metrics, 100 params, 100 tags and 1000 of them together; keys, and param and tag values, up
 * to 250 characters. Keeping to the counts and lengths keeps a request far under its 1 MB limit.
 */
export const LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, key: 250, value: 250 } as const;

/** What a metric, param or tag key may hold (MLflow's name rule): word characters, / . - and space. */
const KEY_CHARACTERS = /[^/\w.\- ]/g;

/** `name` as a valid key: other characters become _, and it is cut to LIMITS.key characters. */
export function mlflowKey(name: string): string {
  const key = name.replace(KEY_CHARACTERS, '_').slice(0, LIMITS.key);
  return key === '' ? '_' : key;
}

/** `text` cut to LIMITS.value characters, the cut marked with "...". */
export function mlflowValue(text: string): string {
  return text.length <= LIMITS.value ? text : `${text.slice(0, LIMITS.value - 3)}...`;
}

export interface Metric { key: string; value: number; timestamp: number; step: number }
export interface KeyValue { key: string; value: string }
/** RunStatus values a run may end with (service.proto, RunStatus). */
export type EndStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** A failed call: `call` is "METHOD /path"; `status` is absent when no HTTP answer came (network, timeout). */
export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  constructor(
    readonly call: string,
    readonly reason: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(`${call}: ${status === undefined ? reason : `HTTP ${status}${code === undefined ? '' : ` ${code}`}${reason === '' ? '' : ` (${reason})`}`}`);
  }

  /** No HTTP answer: the server is down, unreachable or too slow. */
  get unreachable(): boolean {
    return this.status === undefined;
  }
}

export interface ClientOptions {
  /** Each request's time limit; default 10 s. */
  timeoutMs?: number;
  /** Aborts every request under way and every later one (the tracker's end-of-run bound). */
  signal?: AbortSignal;
  /** Extra request headers (authentication). */
  headers?: Record<string, string>;
}

/** The reason of a fetch that got no answer, e.g. "connect ECONNREFUSED 127.0.0.1:5000". */
function networkReason(error: unknown, url: URL, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: { message?: string }[] } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'abandoned at the end of the run';
  const cause = e.cause;
  // The fetch standard's "bad ports" (9, 25, 6000, ...): fetch refuses them without connecting.
  if (cause?.message === 'bad port') return `fetch refuses port ${url.port}, the well-known port of another protocol`;
  // A host with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  const message = cause?.message !== undefined && cause.message !== '' ? cause.message : cause?.errors?.[0]?.message;
  return message ?? cause?.code ?? e.message ?? String(error);
}

export class MlflowClient {
  private readonly timeoutMs: number;

  /** `base`: the tracking server, http or https, with the path prefix it is served under if any. */
  constructor(readonly base: URL, private readonly options: ClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The server's URL of `path` (which starts with /api/). */
  private url(path: string): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = '';
    url.hash = '';
    return url;
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.options.signal === undefined ? timeout : AbortSignal.any([timeout, this.options.signal]);
  }

  /** One request; the parsed JSON answer of a 2xx, else an MlflowError. */
  private async request(method: 'GET' | 'POST' | 'PUT', url: URL, body?: { json: unknown } | { text: string; type: string }): Promise<unknown> {
    const call = `${method} ${url.pathname}`;
    const headers: Record<string, string> = { ...this.options.headers };
    let payload: string | undefined;
    if (body !== undefined && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body !== undefined) {
      headers['content-type'] = body.type;
      payload = body.text;
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, ...(payload === undefined ? {} : { body: payload }), signal: this.signal() });
      text = await response.text();
    } catch (error) {
      throw new MlflowError(call, networkReason(error, url, this.timeoutMs));
    }
    let json: unknown = null;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      if (response.ok) throw new MlflowError(call, 'the answer is not JSON', response.status);
    }
    if (!response.ok) {
      const e = (json ?? {}) as { error_code?: unknown; message?: unknown };
      const reason = typeof e.message === 'string' ? e.message : text.slice(0, 200);
      throw new MlflowError(call, reason, response.status, typeof e.error_code === 'string' ? e.error_code : undefined);
    }
    return json;
  }

  private post(path: string, json: unknown): Promise<unknown> {
    return this.request('POST', this.url(`/api/2.0/mlflow/${path}`), { json });
  }

  /** The id of the experiment named `name`, created when there is none (get-by-name, then create). */
  async experimentId(name: string): Promise<string> {
    const byName = async (): Promise<string | null> => {
      const url = this.url('/api/2.0/mlflow/experiments/get-by-name');
      url.searchParams.set('experiment_name', name);
      try {
        const answer = await this.request('GET', url) as { experiment?: { experiment_id?: unknown } };
        return checkedId(answer.experiment?.experiment_id, `GET ${url.pathname}`, 'experiment.experiment_id');
      } catch (error) {
        if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
        throw error;
      }
    };
    const found = await byName();
    if (found !== null) return found;
    try {
      const answer = await this.post('experiments/create', { name }) as { experiment_id?: unknown };
      return checkedId(answer.experiment_id, `POST ${this.url('/api/2.0/mlflow/experiments/create').pathname}`, 'experiment_id');
    } catch (error) {
      // Another process created it in between.
      if (error instanceof MlflowError && error.code === 'RESOURCE_ALREADY_EXISTS') {
        const again = await byName();
        if (again !== null) return again;
      }
      throw error;
    }
  }

  /** A new run (status RUNNING) in the experiment: its id and the artifact URI the server gave it. */
  async createRun(run: { experimentId: string; runName: string; startTime: number; tags: KeyValue[] }): Promise<{ runId: string; artifactUri: string }> {
    const answer = await this.post('runs/create', {
      experiment_id: run.experimentId, run_name: run.runName, start_time: run.startTime,
      tags: run.tags.map((t) => ({ key: mlflowKey(t.key), value: mlflowValue(t.value) })),
    }) as { run?: { info?: { run_id?: unknown; artifact_uri?: unknown } } };
    const info = answer.run?.info;
    const runId = checkedId(info?.run_id, `POST ${this.url('/api/2.0/mlflow/runs/create').pathname}`, 'run.info.run_id');
    return { runId, artifactUri: typeof info?.artifact_uri === 'string' ? info.artifact_uri : '' };
  }

  /**
   * Metrics, params and tags of a run, in as many log-batch requests as the limits need; keys and
   * values are made valid (mlflowKey, mlflowValue) and metrics that are not finite left out (JSON
   * has no NaN).
   */
  async logBatch(runId: string, data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> {
    const metrics = (data.metrics ?? []).filter((m) => Number.isFinite(m.value)).map((m) => ({ ...m, key: mlflowKey(m.key) }));
    const params = (data.params ?? []).map((p) => ({ key: mlflowKey(p.key), value: mlflowValue(p.value) }));
    const tags = (data.tags ?? []).map((t) => ({ key: mlflowKey(t.key), value: mlflowValue(t.value) }));
    for (const batch of batches(metrics, params, tags)) await this.post('runs/log-batch', { run_id: runId, ...batch });
  }

  /** Ends a run: its status and end time. */
  async updateRun(runId: string, status: EndStatus, endTime: number): Promise<void> {
    await this.post('runs/update', { run_id: runId, status, end_time: endTime });
  }

  /** Uploads one artifact file of a run (text: every file l2l tracks is JSON or HTML) to `path` under its artifact URI (artifactUrl). */
  async uploadArtifact(artifactUri: string, path: string, text: string, type: string): Promise<void> {
    const url = artifactUrl(this.base, artifactUri, path);
    if (url === null) throw new MlflowError(`PUT ${path}`, `cannot upload to the run's artifact location ${artifactUri} (${ARTIFACT_RULE})`);
    await this.request('PUT', url, { text, type });
  }
}

export const ARTIFACT_RULE = 'only mlflow-artifacts: (a server run with artifact serving, the default) and http(s) locations can be written through the REST API';

function checkedId(value: unknown, call: string, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw new MlflowError(call, `the answer has no ${field}`, 200);
}

/** The requests of a log-batch: each within LIMITS, metrics first, then params, then tags. */
export function batches(metrics: Metric[], params: KeyValue[], tags: KeyValue[]): { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }[] {
  const out: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < metrics.length || p < params.length || t < tags.length || out.length === 0) {
    const ms = metrics.slice(m, m + LIMITS.metrics);
    const ps = params.slice(p, p + Math.min(LIMITS.params, LIMITS.total - ms.length));
    const ts = tags.slice(t, t + Math.min(LIMITS.tags, LIMITS.total - ms.length - ps.length));
    if (ms.length + ps.length + ts.length === 0) break;
    out.push({ metrics: ms, params: ps, tags: ts });
    m += ms.length;
    p += ps.length;
    t += ts.length;
  }
  return out;
}

/**
 * The URL an artifact at `path` of a run is PUT to, from the run's artifact URI: mlflow-artifacts:/X
 * (the artifacts proxy of the tracking server, mlflow_artifacts.proto) becomes
 * <server>/api/2.0/mlflow-artifacts/artifacts/X/<path>, mlflow-artifacts://host:port/X the same on
 * that host, and an http(s) location takes the path appended. Null for anything else (s3:, file
 * paths, ...): those are written by the client into the store directly, which l2l does not do.
 */
export function artifactUrl(base: URL, artifactUri: string, path: string): URL | null {
  const segments = (p: string): string => p.split('/').filter((s) => s !== '').map(encodeURIComponent).join('/');
  const proxied = /^mlflow-artifacts:(?:\/\/([^/]+))?(\/.*)?$/.exec(artifactUri);
  if (proxied !== null) {
    const url = new URL(base.href);
    if (proxied[1] !== undefined) url.host = proxied[1];
    const prefix = proxied[1] === undefined ? url.pathname.replace(/\/+$/, '') : '';
    url.pathname = `${prefix}/api/2.0/mlflow-artifacts/artifacts/${[segments(proxied[2] ?? ''), segments(path)].filter((s) => s !== '').join('/')}`;
    url.search = '';
    url.hash = '';
    return url;
  }
  if (/^https?:\/\//i.test(artifactUri)) {
    const url = new URL(artifactUri);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${segments(path)}`;
    return url;
  }
  return null;
}
