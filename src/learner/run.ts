// Runs a learner genome through a reward environment for one episode (docs/learner.md): the engine
// is loaded fresh (a learner is reset between episodes; nothing but the genome carries over), and
// at each step the runner writes the observation, the reward of the previous action, the mode flags
// and the constant into the input slots, runs the genome's ticks, and takes the action with the
// highest preference among the task's outputs (ties to the lowest). Errors are 0: these are reward
// tasks.

import type { Engine } from '../engine/engine.ts';
import type { Genome } from '../genome/types.ts';
import { argmax, type RewardEnv } from './env.ts';
import { checkLearnerRole, LEARNER_CHANNELS, LEARNER_OUTPUTS, LEARNER_SLOT } from './role.ts';

export interface EpisodeOptions {
  /** The engine seed (random firing policies); default 0. */
  seed?: number;
  /** Engine ticks per environment step; default 1. */
  ticks?: number;
}

export interface Episode {
  score: number;
  /** The action taken at each step. */
  actions: number[];
  /** The task's outputs (preferences) at each step. */
  preferences: Float32Array[];
}

/** One episode of `genome` in `env`; throws an InputError if the genome is not a learner or the task does not fit the role. */
export function runLearner(engine: Engine, genome: Genome, env: RewardEnv, options: EpisodeOptions = {}): Episode {
  checkLearnerRole(genome);
  if (env.channels > LEARNER_CHANNELS || env.actions > LEARNER_OUTPUTS) {
    throw new RangeError(`${env.name} needs ${env.channels} channels and ${env.actions} actions; the learner role has ${LEARNER_CHANNELS} and ${LEARNER_OUTPUTS}`);
  }
  const ticks = options.ticks ?? 1;
  engine.load(genome, [{ rows: 1, cols: 1 }], { seed: options.seed ?? 0 });
  const actions: number[] = [];
  const history: Float32Array[] = [];
  while (!env.done) {
    const o = env.observe();
    for (let c = 0; c < LEARNER_CHANNELS; c++) (engine.input(LEARNER_SLOT.channel + c))[0] = c < env.channels ? (o.channels[c] as number) : 0;
    engine.input(LEARNER_SLOT.reward)[0] = o.reward;
    for (let k = 0; k < LEARNER_OUTPUTS; k++) engine.input(LEARNER_SLOT.error + k)[0] = 0;
    engine.input(LEARNER_SLOT.learning)[0] = 1;
    engine.input(LEARNER_SLOT.trialStart)[0] = o.trialStart;
    engine.input(LEARNER_SLOT.one)[0] = 1;
    const run = engine.run(ticks);
    if (run.status !== 'ok') throw new Error(`the learner stopped: ${run.status}`);
    const preferences = new Float32Array(env.actions);
    for (let k = 0; k < env.actions; k++) preferences[k] = engine.output(k)[0] as number;
    const a = argmax(preferences);
    actions.push(a);
    history.push(preferences);
    env.act(a);
  }
  return { score: env.score(), actions, preferences: history };
}
