// The optimizer seeds' builder: the genome builder of src/genome/builder.ts with the optimizer
// role's slots (input nodes 0-5, the output node key 6) and one output, the new parameter.

import { GraphBuilder, type NodeOptions, type Ref } from '../genome/builder.ts';
import type { Genome, OpName } from '../genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../optimizer/role.ts';

export { keyOf, type NodeOptions, type Ref } from '../genome/builder.ts';

export const OUTPUT_KEY = OPTIMIZER_INPUTS.length;

export class GenomeBuilder extends GraphBuilder {
  readonly gradient: Ref;
  readonly parameter: Ref;
  readonly loss: Ref;
  readonly previousLoss: Ref;
  readonly step: Ref;
  readonly curvature: Ref;
  private made = false;

  constructor(name: string) {
    super(name, OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS);
    [this.gradient, this.parameter, this.loss, this.previousLoss, this.step, this.curvature] = this.inputs as [Ref, Ref, Ref, Ref, Ref, Ref];
  }

  /** The output node (the new parameter), made once. */
  output(op: OpName, options: NodeOptions = {}): Ref {
    this.made = true;
    return this.outputNode(0, op, options);
  }

  /** The genome, parsed; an optimizer genome must have made its output node. */
  override build(): Genome {
    if (!this.made) throw new Error(`${this.name}: no output node`);
    return super.build();
  }
}
