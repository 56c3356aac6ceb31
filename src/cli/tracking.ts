// The tracker of `l2l evolve --mlflow URI` (src/tracking/mlflow.ts) as the command runs it: built
// from the flags and MLflow's own environment variables for authentication, its one line of failure
// printed through the progress display, and the MLflow run's address for the summary.

import { readFileSync } from 'node:fs';
import { MlflowTracker } from '../tracking/mlflow.ts';
import type { EndStatus } from '../tracking/mlflow-client.ts';
import type { EvolveConfig } from '../evolve/config.ts';
import type { GenerationReport } from '../evolve/state.ts';
import { InputError } from '../util/errors.ts';
import type { Progress } from './progress.ts';

export interface RunTracker {
  start(info: { config: EvolveConfig; generation: number; resumed: boolean }): void;
  generation(report: GenerationReport): void;
  /** Closes the MLflow run; answers the summary's line about it, or null when it was not created. */
  finish(status: EndStatus): Promise<string | null>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Request headers from the variables MLflow's clients read: MLFLOW_TRACKING_TOKEN (a bearer token),
 * or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic authentication).
 */
export function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.MLFLOW_TRACKING_TOKEN;
  if (token !== undefined && token !== '') return { authorization: `Bearer ${token}` };
  const user = env.MLFLOW_TRACKING_USERNAME;
  if (user !== undefined && user !== '') {
    return { authorization: `Basic ${Buffer.from(`${user}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`).toString('base64')}` };
  }
  return {};
}

/** The run's tracker, or null without --mlflow. */
export function trackerOf(flags: { mlflow?: URL; mlflowExperiment?: string }, out: string, progress: Progress, env: NodeJS.ProcessEnv = process.env): RunTracker | null {
  if (flags.mlflow === undefined) {
    if (flags.mlflowExperiment !== undefined) throw new InputError('--mlflow-experiment', 'needs --mlflow (the tracking server)');
    return null;
  }
  const tracker = new MlflowTracker({
    uri: flags.mlflow,
    experiment: flags.mlflowExperiment ?? 'l2l',
    out,
    warn: (line) => progress.note(`l2l: ${line}`),
    tags: { 'l2l.version': VERSION },
    headers: authHeaders(env),
  });
  return {
    start: (info) => tracker.start(info),
    generation: (report) => tracker.generation(report),
    finish: async (status) => {
      const end = await tracker.finish(status);
      if (end.runUrl === null) return null;
      return `mlflow run${end.failure === null ? '' : ' (incomplete: the tracker stopped)'}: ${end.runUrl}`;
    },
  };
}
