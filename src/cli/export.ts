// `l2l export <genome.json | seed:NAME> [--format json|dot|mermaid] [--hyper ...] [--out FILE]`:
// writes the graph in one of the export formats (src/genome/export.ts), to stdout by default.

import { writeFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportGenome } from '../genome/export.ts';
import { resolveGenome } from '../seeds/index.ts';
import { InputError } from '../util/errors.ts';
import { choiceFlag, hyperFlag, onePositional, parseArgs } from './args.ts';

type Write = (text: string) => void;

export function runExport(argv: readonly string[], write: Write): number {
  const parsed = parseArgs('export', argv, { format: 'value', out: 'value', hyper: 'value' });
  const source = onePositional('export', parsed, 'genome');
  const format = choiceFlag(parsed, 'format', EXPORT_FORMATS, 'json');
  const text = exportGenome(resolveGenome(source, hyperFlag(parsed)), format);
  const out = parsed.values.get('out');
  if (out === undefined) write(text);
  else {
    try {
      writeFileSync(out, text);
    } catch (error) {
      throw new InputError('--out', `must be a writable file: ${error instanceof Error ? error.message : String(error)}`, out);
    }
  }
  return 0;
}
