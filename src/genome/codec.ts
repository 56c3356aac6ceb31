// The genome's two serial forms: JSON text (for people and files) and msgpack bytes (msgpackr, for
// workers and checkpoints). Both decode through parseGenome, so whatever is read is valid.

import { Packr } from 'msgpackr';
import { InputError, rules } from '../util/errors.ts';
import { parseGenome } from './parse.ts';
import type { Genome } from './types.ts';

// Plain maps, no records extension: the bytes stay readable by any msgpack decoder.
const packr = new Packr({ useRecords: false, moreTypes: false });

export function genomeToJSON(genome: Genome): string {
  return `${JSON.stringify(genome, null, 2)}\n`;
}

export function genomeFromJSON(text: string): Genome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('genome', rules.json(error instanceof Error ? error.message : String(error)));
  }
  return parseGenome(json);
}

export function genomeToMsgpack(genome: Genome): Uint8Array {
  return packr.pack(genome);
}

export function genomeFromMsgpack(bytes: Uint8Array): Genome {
  let json: unknown;
  try {
    json = packr.unpack(bytes);
  } catch (error) {
    throw new InputError('genome', rules.msgpack(error instanceof Error ? error.message : String(error)));
  }
  return parseGenome(json);
}
