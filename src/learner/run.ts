// Runs a learner genome through an environment for one episode (docs/learner.md): the engine is
// loaded fresh (a learner is reset between episodes; nothing but the genome carries over), and at
// each step the runner puts the observation, the reward of the previous action, the errors, the
// mode flags and the constant into the input slots through the genome's encoders, runs its ticks
// per step one by one, decodes the outputs over those ticks, and takes the action with the highest
// preference among the task's outputs (ties to the lowest). On supervised tasks the error slots
// show, one step later, the step's targets minus the decoded outputs; elsewhere they are 0.

import type { Engine } from '../engine/engine.ts';
import type { Costs } from '../engine/types.ts';
import type { Genome } from '../genome/types.ts';
import { codingOf, decode, encode } from './coding.ts';
import { argmax, type LearnerEnv } from './env.ts';
import { checkLearnerRole, LEARNER_CHANNELS, LEARNER_INPUTS, LEARNER_OUTPUTS, LEARNER_SLOT } from './role.ts';

export interface EpisodeOptions {
  /** The engine seed (random firing policies); default 0. */
  seed?: number;
  /** A work limit for the whole episode (the engine's units); default none. */
  workLimit?: number;
  /** pack(genome), when the caller has it: each episode's load then does not pack it again. */
  packed?: Int32Array;
  /**
   * false: the learner is shown no feedback (reward and errors stay 0), the learning check's
   * control run (check.ts); default true.
   */
  feedback?: boolean;
}

export type EpisodeStatus = 'ok' | 'non_finite' | 'work_limit';

export interface Episode {
  /** 'ok', or why the engine stopped early (the score is then the environment's score so far). */
  status: EpisodeStatus;
  score: number;
  /** The action taken at each step. */
  actions: number[];
  /** The task's outputs (preferences) at each step. */
  preferences: Float32Array[];
  /** The engine's costs over the episode (work, state and graph bytes after the last tick). */
  costs: Costs;
  /** Steps run. */
  steps: number;
}

/** One episode of `genome` in `env`; throws an InputError if the genome is not a learner or a RangeError if the task does not fit the role. */
export function runLearner(engine: Engine, genome: Genome, env: LearnerEnv, options: EpisodeOptions = {}): Episode {
  checkLearnerRole(genome);
  if (env.channels > LEARNER_CHANNELS || env.actions > LEARNER_OUTPUTS) {
    throw new RangeError(`${env.name} needs ${env.channels} channels and ${env.actions} actions; the learner role has ${LEARNER_CHANNELS} and ${LEARNER_OUTPUTS}`);
  }
  const coding = codingOf(genome);
  const ticks = coding.ticks;
  const feedback = options.feedback ?? true;
  engine.load(genome, [{ rows: 1, cols: 1 }], {
    seed: options.seed ?? 0, ...(options.workLimit === undefined ? {} : { workBudget: options.workLimit }), ...(options.packed === undefined ? {} : { packed: options.packed }),
  });
  // Live views of the slots, fetched again whenever the engine's memory grew (an effect that
  // creates edges may grow it, which detaches every view: a detached view has length 0).
  let inputs = LEARNER_INPUTS.map((_, slot) => engine.input(slot));
  let outputs = Array.from({ length: env.actions }, (_, k) => engine.output(k));
  const fresh = (): void => {
    if ((inputs[0] as Float32Array).length > 0 && (outputs[0] as Float32Array).length > 0) return;
    inputs = LEARNER_INPUTS.map((_, slot) => engine.input(slot));
    outputs = Array.from({ length: env.actions }, (_, k) => engine.output(k));
  };
  // With every slot by value and every output read at the last tick, a step's inputs are the same
  // at each of its ticks and only the last tick's outputs count: the step runs in one engine call.
  const stride = coding.encoders.every((e) => e === 'value') && coding.decoders.every((d) => d === 'value') ? ticks : 1;
  const slotValues = new Float64Array(LEARNER_INPUTS.length);
  const ticksOut = Array.from({ length: env.actions }, () => new Float32Array(ticks));
  const actions: number[] = [];
  const history: Float32Array[] = [];
  const errors = new Float32Array(LEARNER_OUTPUTS);
  let status: EpisodeStatus = 'ok';
  let steps = 0;
  episode: while (!env.done) {
    const o = env.observe();
    for (let c = 0; c < LEARNER_CHANNELS; c++) slotValues[LEARNER_SLOT.channel + c] = c < env.channels ? (o.channels[c] as number) : 0;
    slotValues[LEARNER_SLOT.reward] = feedback ? o.reward : 0;
    for (let k = 0; k < LEARNER_OUTPUTS; k++) slotValues[LEARNER_SLOT.error + k] = feedback ? (errors[k] as number) : 0;
    slotValues[LEARNER_SLOT.learning] = o.learning;
    slotValues[LEARNER_SLOT.trialStart] = o.trialStart;
    slotValues[LEARNER_SLOT.one] = 1;
    for (let i = 0; i < ticks; i += stride) {
      fresh();
      for (let slot = 0; slot < inputs.length; slot++) {
        (inputs[slot] as Float32Array)[0] = encode(coding.encoders[slot] ?? 'value', slotValues[slot] as number, i, ticks);
      }
      const run = engine.run(stride);
      if (run.status === 'non-finite') { status = 'non_finite'; break episode; }
      if (run.status === 'work-limit') { status = 'work_limit'; break episode; }
      if (run.status !== 'ok') throw new Error(`the learner stopped: ${run.status}`);
      fresh();
      for (let k = 0; k < env.actions; k++) (ticksOut[k] as Float32Array)[i + stride - 1] = (outputs[k] as Float32Array)[0] as number;
    }
    const preferences = new Float32Array(env.actions);
    for (let k = 0; k < env.actions; k++) preferences[k] = decode(coding.decoders[k] ?? 'value', ticksOut[k] as Float32Array);
    errors.fill(0);
    if (o.targets !== null) for (let k = 0; k < env.actions; k++) errors[k] = Math.fround((o.targets[k] as number) - (preferences[k] as number));
    const a = argmax(preferences);
    actions.push(a);
    history.push(preferences);
    steps++;
    env.act(a, preferences);
  }
  return { status, score: env.score(), actions, preferences: history, costs: engine.costs(), steps };
}
