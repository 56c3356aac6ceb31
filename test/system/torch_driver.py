# Drives optimizers exported by `l2l export --format pytorch` for test/system/pytorch.test.ts.
# Prints one JSON object on stdout.
#
#   agree MANIFEST REL ABS  For each case of the manifest (written by the test), replays the engine's run:
#                    each step the exported optimizer gets the gradient, loss and curvature the
#                    engine got (p.grad, the closure's loss, step(closure, curvature)) and its
#                    parameters are compared with the engine's after that step. The parameters it
#                    updates are its own, so its error carries over from step to step through them
#                    and through its state, but the inputs never drift: what is measured is the
#                    update rule itself, not the problem's sensitivity to it. firstBeyond is the first
#                    step where some element is off by more than REL * |engine's| + ABS.
#   train FILE CLASS  Trains a 2-layer MLP (4-16-1, tanh) on synthetic regression data (fixed seed) for
#                    300 full-batch steps; prints the loss before and after. Optimizers that read the
#                    curvature get it from Hutchinson's estimate through torch.autograd.
#   resume FILE CLASS  Seven steps on a small coupled problem, then state_dict() into a fresh optimizer
#                    (load_state_dict) on copies of the parameters: five more steps of each must give
#                    the same parameters bit for bit.
#   hutchinson FILE CLASS  The exported hutchinson() on a separable quadratic, whose z * (H z) is
#                    exactly the curvature h for every Rademacher z: prints the largest error.

import copy
import importlib.util
import json
import math
import struct
import sys
import warnings

import torch

# backward(create_graph=True) warns of the cycle between a parameter and its gradient, which
# zero_grad(set_to_none=True) breaks (train) or the process's end does (hutchinson).
warnings.filterwarnings('ignore', message='Using backward\\(\\) with create_graph=True')


def load(path):
    spec = importlib.util.spec_from_file_location('exported', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def floats(path, fmt):
    with open(path, 'rb') as f:
        data = f.read()
    size = struct.calcsize(fmt)
    return list(struct.unpack('<%d%s' % (len(data) // size, fmt), data))


def agree(case, rel_tol, abs_tol):
    cls = getattr(load(case['module']), case['className'])
    lanes, steps, shapes = case['lanes'], case['steps'], case['shapes']
    values = torch.tensor(floats(case['f32'], 'f'), dtype=torch.float32)
    losses = floats(case['f64'], 'd')
    sizes = [math.prod(s) for s in shapes]

    def tensors(at):
        out, offset = [], at
        for shape, size in zip(shapes, sizes):
            out.append(values[offset:offset + size].reshape(shape).clone())
            offset += size
        return out

    params = [torch.nn.Parameter(t) for t in tensors(0)]
    optimizer = cls(params)
    worst_abs, worst_rel, first_beyond = 0.0, 0.0, -1
    for step in range(steps):
        base = lanes + step * 3 * lanes
        for p, g in zip(params, tensors(base)):
            p.grad = g
        loss = losses[step]
        optimizer.step(lambda: torch.tensor(loss, dtype=torch.float64), curvature=tensors(base + lanes))
        got = torch.cat([p.detach().reshape(-1) for p in params]).double()
        want = values[base + 2 * lanes:base + 3 * lanes].double()
        diff = (got - want).abs()
        same = (got == want) | (torch.isnan(got) & torch.isnan(want))
        diff = torch.where(same, torch.zeros_like(diff), diff)
        rel = diff / torch.clamp(want.abs(), min=1e-30)
        if bool(diff.isnan().any()):
            worst_abs, worst_rel = math.inf, math.inf
        else:
            worst_abs = max(worst_abs, float(diff.max()))
            worst_rel = max(worst_rel, float(torch.where(diff > 0, rel, torch.zeros_like(rel)).max()))
        beyond = bool((diff > abs_tol + rel_tol * want.abs()).any()) or bool(diff.isnan().any())
        if beyond and first_beyond < 0:
            first_beyond = step + 1
    return {'name': case['name'], 'steps': steps, 'worstAbs': worst_abs, 'worstRel': worst_rel, 'firstBeyond': first_beyond}


def train(path, class_name):
    torch.manual_seed(0)
    x = torch.randn(256, 4)
    y = torch.sin(x[:, :1] * 1.5) + 0.5 * x[:, 1:2] * x[:, 2:3] - 0.3 * x[:, 3:4]
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    module = load(path)
    optimizer = getattr(module, class_name)(model.parameters(), seed=1)
    reads_curvature = module._READS_CURVATURE

    def loss_now():
        with torch.no_grad():
            return float(torch.nn.functional.mse_loss(model(x), y))

    def closure():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward(create_graph=reads_curvature)
        return loss

    before = loss_now()
    for _ in range(300):
        optimizer.step(closure)
    after = loss_now()
    finite = all(bool(torch.isfinite(p).all()) for p in model.parameters())
    return {'before': before, 'after': after, 'finite': finite, 'readsCurvature': bool(reads_curvature)}


def resume(path, class_name):
    cls = getattr(load(path), class_name)
    torch.manual_seed(0)
    first = [torch.nn.Parameter(torch.randn(3, 4)), torch.nn.Parameter(torch.randn(4))]

    def closure_of(optimizer, w, b):
        def closure():
            optimizer.zero_grad()
            loss = (w.sum(0) * b).pow(2).sum() + (w ** 2).sum()
            loss.backward()
            return loss
        return closure

    a = cls(first)
    for _ in range(7):
        a.step(closure_of(a, *first))
    second = [torch.nn.Parameter(p.detach().clone()) for p in first]
    b = cls(second)
    b.load_state_dict(copy.deepcopy(a.state_dict()))
    for _ in range(5):
        a.step(closure_of(a, *first))
        b.step(closure_of(b, *second))
    return {'equal': all(torch.equal(p, q) for p, q in zip(first, second)), 'step': b.state['shared']['step'],
            'keys': sorted(b.state[second[0]].keys())}


def hutchinson(path, class_name):
    torch.manual_seed(0)
    h = [torch.rand(3, 4) + 0.1, torch.rand(5) + 0.1]
    params = [torch.nn.Parameter(torch.randn(3, 4)), torch.nn.Parameter(torch.randn(5))]
    optimizer = getattr(load(path), class_name)(params, seed=3)
    loss = sum((hi * p * p).sum() / 2 for hi, p in zip(h, params))
    loss.backward(create_graph=True)
    estimates = optimizer.hutchinson(params)
    return {'worst': max(float((e - hi).abs().max()) for e, hi in zip(estimates, h))}


def main():
    mode = sys.argv[1]
    if mode == 'agree':
        with open(sys.argv[2]) as f:
            manifest = json.load(f)
        result = {'cases': [agree(case, float(sys.argv[3]), float(sys.argv[4])) for case in manifest]}
    elif mode == 'train':
        result = train(sys.argv[2], sys.argv[3])
    elif mode == 'resume':
        result = resume(sys.argv[2], sys.argv[3])
    elif mode == 'hutchinson':
        result = hutchinson(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit('unknown mode ' + mode)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
