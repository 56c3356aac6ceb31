// The worker thread of src/pool/timed.ts: unpacks the genome, computes the eval reports of the
// plan's tasks (src/tasks/report.ts) with an engine of its own, recording each task's start for
// the main thread's wall-clock check, and posts the reports back.

import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../engine/engine.ts';
import { unpack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { reportTasks } from '../tasks/report.ts';
import { TIMED, type TimedWork } from './timed.ts';

const work = workerData as TimedWork;
const template: Genome = {
  format: 'l2l-genome', version: 1, ...work.names,
  caps: { nodes: 0, edges: 0, effectsPerNode: 0, applicationsPerTick: 0 }, maxDelay: 0, nodes: [], edges: [],
};
const { genome } = unpack(work.words, template);
const engine = await Engine.create();
const reports = reportTasks(engine, genome, work.name, work.plan, {
  packed: work.words,
  onTask: (index) => {
    Atomics.store(work.progress, TIMED.STARTED_AT, Date.now() - work.base);
    Atomics.store(work.progress, TIMED.TASK, index);
  },
});
parentPort?.postMessage(reports);
