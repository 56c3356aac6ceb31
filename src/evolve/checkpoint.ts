// The checkpoint file: the whole run state after a generation, msgpack (msgpackr) with a SHA-256 of
// its payload so a damaged file is caught as damaged, not read as a different run. Decoding checks
// the envelope, the digest, the configuration (config.ts's schema) and the state's shape (below),
// and every error names the file and the rule it breaks.
//
//   { format: 'l2l-checkpoint', version: 2, sha256: hex, payload: msgpack({ config, state }) }

import { createHash } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import { z } from 'zod';
import { SCALE_MAX, SCALE_MIN } from '../tasks/scale.ts';
import { InputError } from '../util/errors.ts';
import { parseConfig, type EvolveConfig } from './config.ts';
import { genome, schemaError } from './records.ts';
import { MADE, type RunState } from './state.ts';

export const CHECKPOINT_FORMAT = 'l2l-checkpoint';
export const CHECKPOINT_VERSION = 3;

export interface Checkpoint {
  version: number;
  config: EvolveConfig;
  state: RunState;
}

export function checkpointOf(config: EvolveConfig, state: RunState): Checkpoint {
  return { version: CHECKPOINT_VERSION, config, state };
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const payload = pack({ config: checkpoint.config, state: checkpoint.state });
  return pack({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, sha256: sha256(payload), payload });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const int = z.number().int().nonnegative();
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const bounds = z.object({ lo: z.array(z.number()), hi: z.array(z.number()) }).nullable();

/** The run state's shape: enough to refuse a file that is not one, not a re-derivation of it. */
const STATE = z.object({
  generation: int,
  population: z.array(z.object({
    id: int,
    genome,
    origin: z.string(),
    made: z.enum(MADE),
    born: z.enum(MADE).optional(),
    record: z.record(z.string(), z.object({ sums: z.array(finite), count: int })).optional(),
    scale: z.number().int().min(SCALE_MIN).max(SCALE_MAX).optional(),
  })).min(1),
  nextId: int,
  species: z.object({
    threshold: finite,
    nextId: int,
    species: z.array(z.object({
      id: int, representative: genome, origin: z.string().nullable(), createdAt: int,
      bestRank: z.number(), bestGap: z.number(), lastImproved: int,
    })),
  }),
  innovation: z.object({
    generation: int,
    nextKey: int,
    edges: z.array(z.tuple([int, int, int, int, int])),
    splits: z.array(z.tuple([int, int, int, int])),
  }),
  curriculum: z.object({ unlocked: z.array(z.string()), mastered: z.array(z.string()) }),
  bounds,
  novelty: z.object({ descriptors: z.array(z.array(z.number())) }),
  reportBounds: bounds,
  hurdles: z.record(z.string(), z.number().positive()).nullable(),
  seedScales: z.record(z.string(), z.number().int().min(SCALE_MIN).max(SCALE_MAX)).nullable(),
  baseline: z.array(z.object({
    name: z.string(), stateBytes: z.number(), scale: z.number().int().min(SCALE_MIN).max(SCALE_MAX), tasks: z.record(z.string(), z.number()),
  })).nullable(),
  // The surrogate's parameters and Adam's moments as float32 bytes, its training data as genomes
  // (src/surrogate/state.ts); restoring it checks each parameter against the model.
  surrogate: z.object({
    steps: int,
    params: z.array(z.object({ name: z.string(), shape: z.array(int), bytes: z.instanceof(Uint8Array) })),
    adam: z.object({
      steps: int,
      slots: z.array(z.object({ name: z.string(), shape: z.array(int), t: int, m: z.instanceof(Uint8Array), v: z.instanceof(Uint8Array) })),
    }),
    examples: z.array(z.object({ genome, objectives: z.array(z.number()), generation: int })),
    invalid: z.array(z.object({
      maxNodes: int, count: int, inputs: int, outputs: int, ints: z.array(z.number().int()), reals: z.array(z.number()),
      effectScale: z.array(z.number()), edges: z.array(z.number().int()), weights: z.array(z.number()),
      coding: z.object({ ticks: int, encoders: z.array(int), decoders: z.array(int) }).optional(),
    })),
  }).nullable().optional(),
});

/** Decodes and checks a checkpoint file's bytes; `file` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  let envelope: unknown;
  try {
    envelope = unpack(bytes);
  } catch (error) {
    throw new InputError(file, `must be a whole msgpack checkpoint (${error instanceof Error ? error.message : String(error)}; the file is damaged or cut short)`);
  }
  const e = envelope as { format?: unknown; version?: unknown; sha256?: unknown; payload?: unknown } | null;
  if (typeof e !== 'object' || e === null || e.format !== CHECKPOINT_FORMAT) {
    throw new InputError(file, `must be an l2l checkpoint (format "${CHECKPOINT_FORMAT}")`);
  }
  if (e.version !== CHECKPOINT_VERSION) {
    throw new InputError(file, `must be checkpoint version ${CHECKPOINT_VERSION} (got ${String(e.version)}: written by another version of l2l)`);
  }
  if (!(e.payload instanceof Uint8Array) || typeof e.sha256 !== 'string' || sha256(e.payload) !== e.sha256) {
    throw new InputError(file, 'must match its SHA-256 digest (the file is damaged)');
  }
  const body = unpack(e.payload) as { config?: unknown; state?: unknown } | null;
  const config = parseConfig(body?.config, `${file}: config`, { forceWorkers: true });
  const state = STATE.safeParse(body?.state);
  if (!state.success) throw schemaError(file, 'state', state.error);
  const s = state.data as unknown as RunState;
  if (s.generation > config.generations) {
    throw new InputError(`${file}: state.generation`, `must be at most the run's generations (${config.generations})`, s.generation);
  }
  return { version: CHECKPOINT_VERSION, config, state: s };
}
