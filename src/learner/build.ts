// The learner seeds' builder: the genome builder of src/genome/builder.ts with the learner role's
// slots (role.ts): input nodes 0 .. LEARNER_INPUTS - 1 in slot order, then one output node per
// output slot. Output slots a seed does not make are constant 0.

import { GraphBuilder, type Ref } from '../genome/builder.ts';
import { LEARNER_CHANNELS, LEARNER_INPUTS, LEARNER_OUTPUT_SLOTS, LEARNER_OUTPUTS, LEARNER_SLOT } from './role.ts';

export { keyOf, type NodeOptions, type Ref } from '../genome/builder.ts';

export class LearnerBuilder extends GraphBuilder {
  /** Observation channels 0 .. LEARNER_CHANNELS - 1. */
  readonly observations: readonly Ref[];
  readonly reward: Ref;
  /** The error of output k (supervised tasks). */
  readonly errors: readonly Ref[];
  readonly learning: Ref;
  readonly trialStart: Ref;
  readonly one: Ref;

  constructor(name: string) {
    super(name, LEARNER_INPUTS, LEARNER_OUTPUT_SLOTS);
    const at = (slot: number): Ref => this.inputs[slot] as Ref;
    this.observations = Array.from({ length: LEARNER_CHANNELS }, (_, c) => at(LEARNER_SLOT.channel + c));
    this.reward = at(LEARNER_SLOT.reward);
    this.errors = Array.from({ length: LEARNER_OUTPUTS }, (_, k) => at(LEARNER_SLOT.error + k));
    this.learning = at(LEARNER_SLOT.learning);
    this.trialStart = at(LEARNER_SLOT.trialStart);
    this.one = at(LEARNER_SLOT.one);
  }
}
