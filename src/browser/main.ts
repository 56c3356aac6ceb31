// The browser page (docs/browser.md): pick a genome (a library seed or a genome file) and a task,
// run it in the engine worker, and watch its loss (optimizer tasks) or score (learner tasks) per
// step as a chart. Query parameters preset the form and `run=1` starts at once, so a link can
// reproduce a run: ?role=optimizer&seed=adam&task=rosenbrock&steps=50&runSeed=3&run=1.
// The last answer stays on window.l2lAnswer (as JSON text) for tests that compare it with Node's.
// Below it, a small evolution (evolve-panel.ts).

import * as Plot from '@observablehq/plot';
import { seedChoices, taskChoices, type EvalAnswer, type EvalRequest, type GenomeSource } from './evaluate.ts';
import { setupEvolution } from './evolve-panel.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';

declare global {
  interface Window {
    /** The last answer as JSON text, or undefined before the first. */
    l2lAnswer?: string;
  }
}

type Role = 'optimizer' | 'learner';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('form');
const roleSelect = element<HTMLSelectElement>('role');
const seedSelect = element<HTMLSelectElement>('seed');
const fileInput = element<HTMLInputElement>('file');
const taskSelect = element<HTMLSelectElement>('task');
const stepsInput = element<HTMLInputElement>('steps');
const runSeedInput = element<HTMLInputElement>('run-seed');
const runButton = element<HTMLButtonElement>('run');
const status = element<HTMLParagraphElement>('status');
const chart = element<HTMLDivElement>('chart');
const summary = element<HTMLPreElement>('summary');

const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, (answer: WorkerAnswer) => void>();
let nextId = 1;
worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
  const settle = pending.get(event.data.id);
  pending.delete(event.data.id);
  settle?.(event.data);
};

function ask(request: EvalRequest): Promise<WorkerAnswer> {
  const id = nextId++;
  return new Promise((settle) => {
    pending.set(id, settle);
    worker.postMessage({ id, request } satisfies WorkerRequest);
  });
}

function fill(select: HTMLSelectElement, values: readonly string[], chosen?: string): void {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
}

function showRole(role: Role, seed?: string, task?: string): void {
  roleSelect.value = role;
  fill(seedSelect, seedChoices()[role], seed ?? (role === 'optimizer' ? 'adam' : 'delta'));
  fill(taskSelect, taskChoices()[role], task);
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

async function genomeSource(): Promise<GenomeSource> {
  const file = fileInput.files?.[0];
  if (file !== undefined && file.name.toLowerCase().endsWith('.msgpack')) return { kind: 'file', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  if (file !== undefined) return { kind: 'file', name: file.name, text: await file.text() };
  return { kind: roleSelect.value === 'learner' ? 'learner-seed' : 'seed', name: seedSelect.value };
}

function draw(answer: EvalAnswer): void {
  const optimizer = answer.role === 'optimizer';
  const values = optimizer ? answer.report.trainLoss : answer.scores;
  const points = values.map((y, step) => ({ step, y })).filter((p) => Number.isFinite(p.y));
  const logScale = optimizer && points.length > 0 && points.every((p) => p.y > 0);
  chart.replaceChildren(Plot.plot({
    width: 800,
    height: 360,
    grid: true,
    x: { label: optimizer ? 'step' : 'episode' },
    y: { label: optimizer ? 'training loss' : 'score', type: logScale ? 'log' : 'linear' },
    marks: [Plot.line(points, { x: 'step', y: 'y', stroke: '#3366aa' }), Plot.dot(points, { x: 'step', y: 'y', r: 1.5, fill: '#3366aa' })],
  }));
}

function describe(answer: EvalAnswer, wallMs: number): string {
  if (answer.role === 'optimizer') {
    const r = answer.report;
    const m = r.result.status === 'ok' ? r.result.metrics : undefined;
    return [
      `${r.genome} on ${r.task} (${r.detail}; run seed ${r.seed}): ${r.steps} steps, status ${r.status}`,
      `loss ${r.initialLoss.toExponential(6)} -> ${r.finalLoss.toExponential(6)}`,
      m === undefined ? `invalid: ${r.result.status === 'invalid' ? r.result.reason : ''}` : `validation loss ${m.validationLoss.toExponential(6)} (normalised ${m.normalisedValidationLoss.toFixed(4)})`,
      `${wallMs.toFixed(0)} ms in the worker`,
    ].join('\n');
  }
  const t = answer.evaluation.tasks[0];
  const mean = t === undefined ? '' : t.status === 'ok' ? `mean score ${t.metrics.validationLoss.toFixed(4)} (shortfall ${t.metrics.normalisedValidationLoss.toFixed(4)})` : `invalid: ${t.reason}`;
  return `${answer.genome} on ${answer.task}: ${answer.scores.length} episodes, ${mean}\n${wallMs.toFixed(0)} ms in the worker`;
}

async function run(): Promise<void> {
  runButton.disabled = true;
  setStatus('running');
  try {
    const steps = stepsInput.value === '' ? undefined : Number(stepsInput.value);
    const request: EvalRequest = {
      genome: await genomeSource(),
      task: taskSelect.value,
      runSeed: Number(runSeedInput.value),
      ...(steps === undefined ? {} : { steps }),
    };
    const reply = await ask(request);
    if (!reply.ok) {
      setStatus(reply.error, true);
      return;
    }
    window.l2lAnswer = JSON.stringify(reply.answer);
    draw(reply.answer);
    summary.textContent = describe(reply.answer, reply.wallMs);
    setStatus('done');
  } finally {
    runButton.disabled = false;
  }
}

roleSelect.addEventListener('change', () => showRole(roleSelect.value as Role));
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});

setupEvolution();

const query = new URLSearchParams(location.search);
showRole(query.get('role') === 'learner' ? 'learner' : 'optimizer', query.get('seed') ?? undefined, query.get('task') ?? undefined);
stepsInput.value = query.get('steps') ?? '';
runSeedInput.value = query.get('runSeed') ?? '0';
setStatus(`ready${globalThis.crossOriginIsolated ? ' (cross-origin isolated)' : ''}`);
if (query.get('run') === '1') void run();
