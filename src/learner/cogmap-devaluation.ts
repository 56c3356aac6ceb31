// Outcome devaluation (cogmap.ts; Wilson, Takahashi, Schoenbaum & Niv 2014, "Devaluation"; OFC
// lesions abolish devaluation sensitivity: Gallagher, McMahan & Schoenbaum 1999, Pickens, Saddoris,
// Setlow, Gallagher, Holland & Schoenbaum 2003). Three phases, every trial two steps:
//
//   training     one of two cues (channel 0 or 1; balanced, in an order drawn from the seed), the
//                choice: respond (action 1, approach) or withhold (0); then the outcome step shows
//                the cue's own outcome (channel 2 or 3; which cue predicts which outcome is drawn),
//                delivered whether or not the learner responds, and a response collects it: reward
//                1 (withholding: 0).
//   devaluation  outside the cue context (the home cage, channel 4; no choice): one outcome or the
//                other is given (balanced order); the devalued one (drawn) is followed by illness,
//                reward -1, the other still pays 1.
//   probe        the cues again, in extinction and as a test (learning 0): no outcome is shown and
//                nothing is paid; the choice is scored.
//
// Wilson et al.'s account: responding to a cue according to its outcome's current value needs a
// state that links the cue to that specific outcome (the intact OFC's map), so that what is learned
// about the outcome alone reaches the cue. A model-free learner caches each cue's value during
// training; devaluation never visits the cues, so it keeps responding to both in the probe (the
// OFC-lesioned rats' behaviour); a model-based learner that knows cue -> outcome and the outcome's
// new value withholds from the devalued cue.
//
// Success measure: the share of correct probe decisions: withhold from the cue whose outcome was
// devalued, respond to the other. The published measure is conditioned responding (food-cup
// approach) to the cue in the probe, compared with controls whose outcome was not devalued
// (Gallagher et al. 1999); the share needs no control group, since the non-devalued cue is the
// within-episode control. Chance: 0.5 (a random agent; so does any agent that responds alike to both
// cues: always withholding, always responding, and the model-free cached-value learner, which is the
// point of the paradigm). Upper bound: the oracle, which knows the devalued cue, scores 1; so does the
// model-based agent of cogmap-agents.ts.

import { createRng } from '../util/rng.ts';
import { balanced, checkInteger, TrialTask } from './cogmap-trials.ts';

export interface DevaluationSettings {
  /** Training trials (cue and outcome). */
  training: number;
  /** Devaluation trials (outcome alone, in the home cage). */
  devaluation: number;
  /** Probe trials (cue alone, in extinction). */
  probe: number;
}

export const DEVALUATION_DEFAULTS: DevaluationSettings = { training: 60, devaluation: 10, probe: 20 };

/** The channels: the two cues, the two outcomes, the home cage. */
export const DEVALUATION_CHANNELS = ['cue0', 'cue1', 'outcome0', 'outcome1', 'home'] as const;

export type DevaluationPhase = 'training' | 'devaluation' | 'probe';

export class Devaluation extends TrialTask {
  /** Per cue, its outcome. */
  readonly outcomeOf: Uint8Array;
  /** The devalued outcome. */
  readonly devalued: number;
  /** Per trial, the cue shown (training, probe) or the outcome given (devaluation). */
  readonly item: Uint8Array;

  constructor(seed: number, readonly settings: DevaluationSettings = DEVALUATION_DEFAULTS) {
    const { training, devaluation, probe } = settings;
    checkInteger('training', training, 2);
    checkInteger('devaluation', devaluation, 1);
    checkInteger('probe', probe, 2);
    super('devaluation', DEVALUATION_CHANNELS.length, 2, training + devaluation + probe);
    const rng = createRng(seed);
    const swap = rng.int(2);
    this.outcomeOf = Uint8Array.of(swap, 1 - swap);
    this.devalued = rng.int(2);
    this.item = new Uint8Array(this.trials);
    this.item.set(balanced(rng, training), 0);
    this.item.set(balanced(rng, devaluation), training);
    this.item.set(balanced(rng, probe), training + devaluation);
  }

  phaseOf(t: number): DevaluationPhase {
    const { training, devaluation } = this.settings;
    return t < training ? 'training' : t < training + devaluation ? 'devaluation' : 'probe';
  }

  /** The cue whose outcome is devalued. */
  get devaluedCue(): number {
    return this.outcomeOf[0] === this.devalued ? 0 : 1;
  }

  protected stepsIn(): number {
    return 2;
  }

  protected choiceStep(t: number): number {
    return this.phaseOf(t) === 'devaluation' ? -1 : 0;
  }

  protected show(t: number, s: number, view: Float32Array): void {
    const item = this.item[t] as number;
    switch (this.phaseOf(t)) {
      case 'training':
        view[s === 0 ? item : 2 + (this.outcomeOf[item] as number)] = 1;
        break;
      case 'devaluation':
        view[4] = 1;
        if (s === 1) view[2 + item] = 1;
        break;
      case 'probe':
        if (s === 0) view[item] = 1;
        break;
    }
  }

  protected payoff(t: number, chosen: number): number {
    switch (this.phaseOf(t)) {
      case 'training':
        return chosen === 1 ? 1 : 0;
      case 'devaluation':
        return this.item[t] === this.devalued ? -1 : 1;
      case 'probe':
        return 0;
    }
  }

  protected best(t: number): number {
    switch (this.phaseOf(t)) {
      case 'training':
        return 1;
      case 'devaluation':
        return 0;
      case 'probe':
        return this.item[t] === this.devaluedCue ? 0 : 1;
    }
  }

  protected counts(t: number): boolean {
    return this.phaseOf(t) === 'probe';
  }

  protected override learningIn(t: number): number {
    return this.phaseOf(t) === 'probe' ? 0 : 1;
  }
}
