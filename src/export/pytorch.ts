// toPytorch: an update program (program-types.ts) as one self-contained Python file defining a
// torch.optim.Optimizer subclass. PyTorch users get what they expect of an optimizer: per-parameter
// state in self.state[p] (the history buffers as tensors), state_dict()/load_state_dict(), and
// step(closure). The closure is required, because the genome reads the loss and the previous loss;
// it computes the loss and its gradients (loss.backward()) and returns the loss.
//
// The curvature slot (docs/optimizer.md) is Hutchinson's estimate z * (H z) of the Hessian's diagonal
// with a Rademacher z (M. F. Hutchinson 1990, "A stochastic estimator of the trace of the influence
// matrix for Laplacian smoothing splines"; used so by AdaHessian, Z. Yao et al. 2021): H z is the
// gradient of (grad . z), taken with torch.autograd.grad from gradients built with
// loss.backward(create_graph=True). A caller may pass its own estimate as step(closure, curvature).
//
// Numbers follow docs/engine.md: every op in float32, each rounded once; transcendentals and the
// sums over a tensor in float64, rounded once to float32 (torch's float32 exp, log and sums differ
// from the engine's in the last bits, which 200 steps of some rules amplify). Port sums add their
// terms in edge key order, one float32 rounding per multiply and per add.

import { className, everyPeriod } from './program.ts';
import { commentText, literal, phases, quoted, summary } from './emit.ts';
import type { InputStep, OpStep, Term, UpdateProgram } from './program-types.ts';

/** Float32 constants of the file, each made once as a 0-d tensor `_C[i]`. */
class Constants {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  ref(x: number): string {
    const text = literal(x, "float('inf')", "float('nan')");
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(text, i);
      this.values.push(text);
    }
    return `_C[${i}]`;
  }
}

/** An op over its port expressions as a Python expression (docs/engine.md, Ops). */
function opExpression(node: OpStep, x: string, y: string, z: string, c: Constants): string {
  const [a0, a1] = node.attrs;
  const wide = (e: string): string => `${e}.double()`;
  switch (node.op) {
    case 'identity': case 'modulate': return x;
    case 'add': return `(${x} + ${y})`;
    case 'sub': return `(${x} - ${y})`;
    case 'mul': return `(${x} * ${y})`;
    case 'div': return `_div(${x}, ${y})`;
    case 'neg': return `(-${x})`;
    case 'abs': return `${x}.abs()`;
    case 'sign': return `_sign(${x})`;
    case 'square': return `_square(${x})`;
    case 'sqrt': return `torch.sqrt(torch.maximum(${x}, _ZERO))`;
    case 'rsqrt': return `_rsqrt(${x})`;
    case 'pow': return `_pow(${x}, ${y})`;
    case 'exp': return `torch.exp(${wide(`torch.minimum(torch.maximum(${x}, ${c.ref(-80)}), ${c.ref(80)})`)}).float()`;
    case 'log': return `torch.log(${wide(`torch.maximum(${x}.abs(), _TINY)`)}).float()`;
    case 'tanh': return `torch.tanh(${wide(x)}).float()`;
    case 'sigmoid': return `(1.0 / (1.0 + torch.exp(-${wide(x)}))).float()`;
    case 'relu': return `torch.maximum(${x}, _ZERO)`;
    case 'min': return `torch.minimum(${x}, ${y})`;
    case 'max': return `torch.maximum(${x}, ${y})`;
    case 'clamp': return `torch.minimum(torch.maximum(${x}, ${c.ref(a0)}), ${c.ref(a1)})`;
    case 'gt': return `(${x} > ${y}).float()`;
    case 'ge': return `(${x} >= ${y}).float()`;
    case 'eq': return `(${x} == ${y}).float()`;
    case 'select': return `torch.where(${x} != 0, ${y}, ${z})`;
    case 'every': return `(_ONE if t % ${everyPeriod(a0)} == 0 else _ZERO)`;
    case 'const': return c.ref(a0);
    case 'rsum': case 'rmean': case 'rnorm': case 'rmaxabs': case 'rrms': case 'rowmean': case 'colmean':
      return `_reduce('${node.op}', ${x}, shape)`;
  }
}

const SLOT_EXPRESSIONS: Record<InputStep['slot'], string> = {
  gradient: 'g', parameter: 'p', curvature: 'c', loss: '_f32(loss)', previousLoss: '_f32(previous_loss)', step: '_f32(t)',
};

function phaseLines(nodes: readonly (InputStep | OpStep)[], scalarKeys: ReadonlySet<number>, inTensorPhase: boolean, c: Constants): string[] {
  const value = (key: number): string => (inTensorPhase && scalarKeys.has(key) ? `S['v${key}']` : `v${key}`);
  const past = (key: number, delay: number): string => `${scalarKeys.has(key) ? 'SH' : 'H'}[${key}][${delay - 1}]`;
  const term = (t: Term): string => {
    const x = t.delay === 0 ? value(t.source) : past(t.source, t.delay);
    return t.weight === 1 ? x : `(${x} * ${c.ref(t.weight)})`;
  };
  const sum = (terms: readonly Term[]): string => {
    if (terms.length === 0) return '_ZERO';
    return terms.slice(1).reduce((acc, t) => `(${acc} + ${term(t)})`, term(terms[0] as Term));
  };
  return nodes.map((n) => {
    const expression = n.kind === 'input' ? SLOT_EXPRESSIONS[n.slot] : opExpression(n, sum(n.ports[0]), sum(n.ports[1]), sum(n.ports[2]), c);
    return `    v${n.key} = ${expression}`;
  });
}

/** The Python file (see the file's opening comment). */
export function toPytorch(program: UpdateProgram): string {
  const name = className(program.name);
  const ph = phases(program);
  const c = new Constants();
  const scalarBody = phaseLines(ph.scalar, ph.scalarKeys, false, c);
  const tensorBody = phaseLines(ph.tensor, ph.scalarKeys, true, c);
  const dict = (keys: Iterable<number>, scalarFrom?: ReadonlySet<number>): string =>
    `{${[...keys].map((k) => `'v${k}': ${scalarFrom?.has(k) === true ? `S['v${k}']` : `v${k}`}`).join(', ')}}`;
  const history = (list: typeof ph.sharedHistory): string => `[${list.map((h) => `(${h.key}, ${h.depth}, '${h.width}')`).join(', ')}]`;
  return `${[
    `# ${name}: the l2l optimizer genome ${commentText(quoted(program.name))} as a PyTorch optimizer.`,
    `# Generated by \`l2l export --format pytorch\` from its update program:`,
    `# ${summary(program)}.`,
    '#',
    `#     optimizer = ${name}(model.parameters())`,
    '#     def closure():',
    `#         optimizer.zero_grad(${program.readsCurvature ? 'set_to_none=True' : ''})`,
    '#         loss = loss_fn(model(x), y)',
    `#         loss.backward(${program.readsCurvature ? 'create_graph=True' : ''})`,
    '#         return loss',
    '#     optimizer.step(closure)',
    '#',
    '# step() requires the closure: the update reads the loss and the previous loss (at the first step,',
    '# the loss itself). There are no hyperparameters: they are the genome\'s weights and constants.',
    ...(program.readsCurvature
      ? ['# The update reads the curvature: z * (H z) per parameter for a Rademacher z (Hutchinson), with',
        '# H z from torch.autograd.grad of the gradients, which the closure must build with',
        '# loss.backward(create_graph=True); or pass your own estimate, step(closure, curvature=[...]),',
        '# one tensor per parameter with a gradient, in param_groups order. seed= fixes the draws of z.',
        '# zero_grad(set_to_none=True) in the closure breaks the parameter-gradient cycle PyTorch warns of.']
      : []),
    '# State: self.state[p][\'h<node>_<i>\'] is node <node>\'s output i + 1 steps ago for parameter p;',
    '# self.state[\'shared\'] holds the step count, the previous loss and the history of scalar nodes.',
    '# A tensor of shape [n0, n1, ...] is a matrix n0 x (n1 * ...) for rowmean and colmean (1-D: 1 x n).',
    '# Arithmetic is float32 as the l2l engine does it (docs/engine.md); a parameter of another dtype is',
    '# updated in float32 and cast back. Unlike the engine, a non-finite value does not stop a step.',
    '',
    'import torch',
    '',
    '# The genome\'s weights and constants, as float32 tensors made once.',
    '_C = [',
    ...c.values.map((v) => `    torch.tensor(${v}, dtype=torch.float32),`),
    ']',
    '_ZERO = torch.tensor(0.0, dtype=torch.float32)',
    '_ONE = torch.tensor(1.0, dtype=torch.float32)',
    '_TINY = torch.tensor(1e-30, dtype=torch.float32)',
    `_SHARED_HISTORY = ${history(ph.sharedHistory)}`,
    `_TENSOR_HISTORY = ${history(ph.tensorHistory)}`,
    `_READS_CURVATURE = ${program.readsCurvature ? 'True' : 'False'}`,
    ...HELPERS,
    '',
    '',
    'def _scalar_phase(t, loss, previous_loss, SH):',
    ...scalarBody,
    `    return ${dict(ph.scalarKeys)}`,
    '',
    '',
    'def _tensor_phase(t, S, SH, H, g, p, c):',
    '    shape = p.shape',
    ...tensorBody,
    `    return ${dict(new Set([program.output, ...ph.tensorHistory.map((h) => h.key)]), ph.scalarKeys)}`,
    '',
    '',
    ...classLines(name, `v${program.output}`),
  ].join('\n')}\n`;
}

const HELPERS = `

def _f32(x):
    return torch.tensor(x, dtype=torch.float32)


def _div(x, y):
    return torch.where(y == 0, _ZERO, x / y)


def _sign(x):
    return (x > 0).float() - (x < 0).float()


def _square(x):
    return x * x


def _rsqrt(x):
    return torch.where(x > 0, _ONE / torch.sqrt(x), _ZERO)


def _pow(x, y):
    # C's pow: pow(1, y) and pow(x, 0) are 1 even for NaN.
    a = x.abs()
    return torch.where((a == 1) | (y == 0), _ONE, torch.pow(a.double(), y.double()).float())


def _matrix(shape):
    size = 1
    for n in shape:
        size *= n
    return (1, size) if len(shape) <= 1 else (shape[0], size // shape[0])


def _reduce(op, x, shape):
    # Sums over the tensor in float64, rounded once to float32, as the engine takes them.
    d = x.expand(shape).double()
    n = d.numel()
    if op in ('rowmean', 'colmean'):
        rows, cols = _matrix(shape)
        m = d.reshape(rows, cols)
        means = m.sum(dim=1, keepdim=True) / cols if op == 'rowmean' else m.sum(dim=0, keepdim=True) / rows
        return means.float().expand(rows, cols).reshape(shape)
    if op == 'rsum':
        return d.sum().float()
    if op == 'rmean':
        return (d.sum() / n).float()
    if op == 'rnorm':
        return torch.sqrt((d * d).sum()).float()
    if op == 'rrms':
        return torch.sqrt((d * d).sum() / n).float()
    return torch.maximum(d.abs().max(), _ZERO.double()).float()


def _shift(history, state, values, shape):
    for key, depth, width in history:
        for i in range(depth - 1, 0, -1):
            state['h%d_%d' % (key, i)] = state['h%d_%d' % (key, i - 1)]
        # A copy: the value may share memory with the parameter or its gradient (detach() and
        # float() of a float32 tensor do not copy), which the step and the next backward() overwrite.
        v = values['v%d' % key]
        state['h%d_0' % key] = v.expand(shape).clone() if width == 'lane' else v.reshape(()).clone()


def _history(history, state):
    return {key: [state['h%d_%d' % (key, i)] for i in range(depth)] for key, depth, _ in history}`.split('\n');

function classLines(name: string, output: string): string[] {
  return `class ${name}(torch.optim.Optimizer):
    def __init__(self, params, seed=None):
        super().__init__(params, {})
        self._generator = None if seed is None else torch.Generator().manual_seed(seed)

    def _shared(self):
        shared = self.state['shared']
        if not shared:
            shared.update(step=0, previous_loss=None)
            for key, depth, _ in _SHARED_HISTORY:
                for i in range(depth):
                    shared['h%d_%d' % (key, i)] = torch.zeros((), dtype=torch.float32)
        return shared

    def hutchinson(self, params):
        """z * (H z) per parameter for a Rademacher z: an unbiased estimate of the Hessian's diagonal."""
        graphs = [p for p in params if p.grad.requires_grad]
        zs = {}
        for p in params:
            z = torch.randint(0, 2, p.shape, generator=self._generator, dtype=torch.float32)
            zs[p] = (z * 2 - 1).to(p.device, p.dtype)
        if not graphs:
            raise RuntimeError('${name} reads the curvature: build the gradients with loss.backward(create_graph=True) in the closure, or pass step(closure, curvature=[...])')
        hz = torch.autograd.grad([p.grad for p in graphs], graphs, grad_outputs=[zs[p] for p in graphs], allow_unused=True)
        found = {p: h for p, h in zip(graphs, hz)}
        return [torch.zeros_like(p) if found.get(p) is None else zs[p] * found[p] for p in params]

    def step(self, closure=None, curvature=None):
        if closure is None:
            raise RuntimeError('${name}.step() needs a closure that computes the loss, calls backward() and returns the loss: the update reads the loss')
        with torch.enable_grad():
            loss = closure()
        params = [p for group in self.param_groups for p in group['params'] if p.grad is not None]
        if _READS_CURVATURE and curvature is None:
            curvature = self.hutchinson(params)
        with torch.no_grad():
            shared = self._shared()
            t = shared['step'] + 1
            loss32 = float(_f32(float(loss)))
            previous = loss32 if shared['previous_loss'] is None else shared['previous_loss']
            SH = _history(_SHARED_HISTORY, shared)
            S = _scalar_phase(t, loss32, previous, SH)
            for i, p in enumerate(params):
                if p.numel() == 0:
                    continue
                state = self.state[p]
                p32 = p.detach().float()
                if not state:
                    for key, depth, width in _TENSOR_HISTORY:
                        for j in range(depth):
                            state['h%d_%d' % (key, j)] = torch.zeros_like(p32) if width == 'lane' else torch.zeros((), dtype=torch.float32, device=p.device)
                c = curvature[i].detach().float() if _READS_CURVATURE else _ZERO
                values = _tensor_phase(t, S, SH, _history(_TENSOR_HISTORY, state), p.grad.detach().float(), p32, c)
                _shift(_TENSOR_HISTORY, state, values, p.shape)
                p.copy_(values['${output}'].expand(p.shape))
            _shift(_SHARED_HISTORY, shared, S, ())
            shared['step'] = t
            shared['previous_loss'] = loss32
        return loss`.split('\n');
}
