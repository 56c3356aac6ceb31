// A local HTTP server implementing the part of MLflow's documented REST contract that l2l's tracker
// uses, to test the client against: no MLflow server can be installed on these machines. Written
// from the REST API reference and mlflow/protos/service.proto (GetExperimentByName,
// CreateExperiment, CreateRun, LogBatch with its "Request Limits", UpdateRun, the RunStatus enum)
// and mlflow/protos/mlflow_artifacts.proto (PUT /api/2.0/mlflow-artifacts/artifacts/<path>).
//
// It is strict where the contract is: request bodies must be JSON objects with only the documented
// fields of the documented types (int64 as an integer or a string of digits, as protobuf's JSON
// mapping allows), log-batch within its limits (1000 metrics, 100 params, 100 tags, 1000 in all;
// keys and param/tag values up to 250 characters; keys of MLflow's name characters), params never
// changed once logged, runs and experiments that exist. Errors are MLflow's: an HTTP status and
// {error_code, message}. Tests read what it stored from its maps, and can make it fail a request.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface StoredRun {
  info: { run_id: string; experiment_id: string; run_name: string; status: string; start_time: number; end_time?: number; artifact_uri: string };
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: { key: string; value: number; timestamp: number; step: number }[];
}

export interface Request { method: string; path: string; status: number; headers: IncomingHttpHeaders }

export interface MlflowServer {
  url: string;
  experiments: Map<string, { experiment_id: string; name: string }>;
  runs: Map<string, StoredRun>;
  /** Artifact path (after /api/2.0/mlflow-artifacts/artifacts/) to its body and content type. */
  artifacts: Map<string, { body: string; type: string }>;
  requests: Request[];
  /** Answer a request with 500 INTERNAL_ERROR when this says so (n: its index among all requests). */
  failWhen?: (request: { method: string; path: string; n: number }) => boolean;
  close(): Promise<void>;
}

/** A port on this machine where nothing listens (it was free a moment ago). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const invalid = (message: string): ApiError => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);

const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
const keyValue = z.object({ key: z.string(), value: z.string() }).strict();
const SCHEMAS = {
  'experiments/create': z.object({ name: z.string().min(1), artifact_location: z.string().optional(), tags: z.array(keyValue).optional() }).strict(),
  'runs/create': z.object({
    experiment_id: z.string(), user_id: z.string().optional(), run_name: z.string().optional(), start_time: int64.optional(), tags: z.array(keyValue).optional(),
  }).strict(),
  'runs/log-batch': z.object({
    run_id: z.string(),
    metrics: z.array(z.object({ key: z.string(), value: double, timestamp: int64, step: int64.optional() }).strict()).optional(),
    params: z.array(keyValue).optional(),
    tags: z.array(keyValue).optional(),
  }).strict(),
  'runs/update': z.object({
    run_id: z.string().optional(), run_uuid: z.string().optional(), status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']).optional(),
    end_time: int64.optional(), run_name: z.string().optional(),
  }).strict(),
} as const;

function parse<K extends keyof typeof SCHEMAS>(endpoint: K, body: unknown): z.infer<(typeof SCHEMAS)[K]> {
  const parsed = SCHEMAS[endpoint].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`Invalid value for parameter '${issue?.path.join('.') ?? ''}' supplied: ${issue?.message ?? ''}`);
  }
  return parsed.data as z.infer<(typeof SCHEMAS)[K]>;
}

function checkKey(key: string, what: string): void {
  if (!/^[/\w.\- ]*$/.test(key) || key.startsWith('/')) {
    throw invalid(`Invalid ${what} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
  }
  if (key.length > 250) throw invalid(`${what} key '${key.slice(0, 20)}...' had length ${key.length}, which exceeded length limit of 250`);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `artifactRoot`: a run's artifact URI (default: the artifacts proxy's, mlflow-artifacts:/<experiment>/<run>/artifacts). */
export async function startMlflowServer(options: { artifactRoot?: (experiment: string, run: string) => string } = {}): Promise<MlflowServer> {
  let ids = 0;
  const state: Omit<MlflowServer, 'url' | 'close'> = { experiments: new Map(), runs: new Map(), artifacts: new Map(), requests: [] };
  const { experiments, runs, artifacts } = state;
  const run = (id: string | undefined): StoredRun => {
    const r = id === undefined ? undefined : runs.get(id);
    if (r === undefined) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${id}' not found`);
    return r;
  };

  const post = (endpoint: string, body: unknown): unknown => {
    switch (endpoint) {
      case 'experiments/create': {
        const { name } = parse(endpoint, body);
        if ([...experiments.values()].some((e) => e.name === name)) throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
        const experiment_id = String(++ids);
        experiments.set(experiment_id, { experiment_id, name });
        return { experiment_id };
      }
      case 'runs/create': {
        const r = parse(endpoint, body);
        if (!experiments.has(r.experiment_id)) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${r.experiment_id} exists`);
        for (const t of r.tags ?? []) checkKey(t.key, 'tag');
        const run_id = `run${++ids}`.padEnd(32, '0');
        const info = {
          run_id, experiment_id: r.experiment_id, run_name: r.run_name ?? 'unnamed', status: 'RUNNING',
          start_time: r.start_time ?? Date.now(), artifact_uri: options.artifactRoot?.(r.experiment_id, run_id) ?? `mlflow-artifacts:/${r.experiment_id}/${run_id}/artifacts`,
        };
        runs.set(run_id, { info, params: new Map(), tags: new Map((r.tags ?? []).map((t) => [t.key, t.value])), metrics: [] });
        return { run: { info: { ...info, run_uuid: run_id, lifecycle_stage: 'active' }, data: { tags: r.tags ?? [] } } };
      }
      case 'runs/log-batch': {
        const b = parse(endpoint, body);
        const [metrics, params, tags] = [b.metrics ?? [], b.params ?? [], b.tags ?? []];
        if (metrics.length > 1000) throw invalid(`A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics.`);
        if (params.length > 100) throw invalid(`A batch logging request can contain at most 100 params. Got ${params.length} params.`);
        if (tags.length > 100) throw invalid(`A batch logging request can contain at most 100 tags. Got ${tags.length} tags.`);
        if (metrics.length + params.length + tags.length > 1000) throw invalid('A batch logging request can contain at most 1000 metrics, params, and tags in total.');
        const target = run(b.run_id);
        for (const m of metrics) checkKey(m.key, 'metric');
        for (const [what, list] of [['param', params], ['tag', tags]] as const) {
          for (const p of list) {
            checkKey(p.key, what);
            if (p.value.length > 250) throw invalid(`${what} value '${p.value.slice(0, 20)}...' had length ${p.value.length}, which exceeded length limit of 250`);
          }
        }
        for (const p of params) {
          const before = target.params.get(p.key);
          if (before !== undefined && before !== p.value) throw invalid(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${before}'.`);
        }
        for (const p of params) target.params.set(p.key, p.value);
        for (const t of tags) target.tags.set(t.key, t.value);
        for (const m of metrics) target.metrics.push({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 });
        return {};
      }
      case 'runs/update': {
        const u = parse(endpoint, body);
        const target = run(u.run_id ?? u.run_uuid);
        if (u.status !== undefined) target.info.status = u.status;
        if (u.end_time !== undefined) target.info.end_time = u.end_time;
        return { run_info: target.info };
      }
      default:
        throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No endpoint POST /api/2.0/mlflow/${endpoint}`);
    }
  };

  const handle = async (request: IncomingMessage, url: URL, body: string): Promise<unknown> => {
    const method = request.method ?? '';
    const path = url.pathname;
    if (method === 'GET' && path === '/api/2.0/mlflow/experiments/get-by-name') {
      const name = url.searchParams.get('experiment_name');
      if (name === null) throw invalid("Missing value for required parameter 'experiment_name'.");
      const found = [...experiments.values()].find((e) => e.name === name);
      if (found === undefined) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
      return { experiment: { ...found, artifact_location: `mlflow-artifacts:/${found.experiment_id}`, lifecycle_stage: 'active' } };
    }
    const artifact = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/(.+)$/.exec(path);
    if (method === 'PUT' && artifact !== null) {
      const relative = decodeURIComponent(artifact[1] as string);
      if (relative.split('/').some((s) => s === '..' || s === '')) throw invalid(`Invalid path: '${relative}'`);
      const [experiment, runId, root] = relative.split('/');
      if (root !== 'artifacts' || runs.get(runId ?? '')?.info.experiment_id !== experiment) throw invalid(`'${relative}' is not under a run's artifact root`);
      artifacts.set(relative, { body, type: request.headers['content-type'] ?? '' });
      return {};
    }
    const api = /^\/api\/2\.0\/mlflow\/(.+)$/.exec(path);
    if (method === 'POST' && api !== null) {
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new ApiError(400, 'BAD_REQUEST', 'The request body must be JSON (content-type application/json)');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON');
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body must be a JSON object');
      return post(api[1] as string, json);
    }
    throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${method} ${path}`);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const n = state.requests.length;
    const record: Request = { method: request.method ?? '', path: url.pathname, status: 0, headers: request.headers };
    state.requests.push(record);
    const answer = (status: number, json: unknown): void => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    readBody(request).then(async (body) => {
      if (api.failWhen?.({ method: record.method, path: record.path, n }) === true) throw new ApiError(500, 'INTERNAL_ERROR', 'the test server was told to fail this request');
      answer(200, await handle(request, url, body));
    }).catch((error: unknown) => {
      if (error instanceof ApiError) answer(error.status, { error_code: error.code, message: error.message });
      else answer(500, { error_code: 'INTERNAL_ERROR', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api: MlflowServer = {
    ...state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return api;
}
