// The error the host raises when the engine refuses a packed genome or an argument. The engine
// reports a status code, a record index and a word within the record; this names them.

import * as L from './layout.ts';
import * as S from './status.ts';
import { STATUS_MESSAGES } from './status.ts';

const RECORDS: Record<number, { table: string; prefix: string }> = {
  [S.BAD_HEADER]: { table: 'header', prefix: 'H_' },
  [S.BAD_NODE]: { table: 'nodes', prefix: 'N_' },
  [S.BAD_EDGE]: { table: 'edges', prefix: 'E_' },
  [S.BAD_EFFECT]: { table: 'effects', prefix: 'F_' },
};

function wordName(prefix: string, word: number): string {
  const entry = Object.entries(L).find(([name, value]) => name.startsWith(prefix) && value === word);
  if (entry === undefined) return `word ${word}`;
  return entry[0].slice(prefix.length).toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** "nodes[3].op", "header.capEdges", "edges[0]": where in the packed genome the engine objected. */
export function packedField(status: number, detail: number, field: number): string {
  if (status === S.CYCLE) return `the node with key ${detail}`;
  const record = RECORDS[status];
  if (record === undefined) return 'genome';
  if (status === S.BAD_HEADER) return `header.${wordName(record.prefix, detail)}`;
  return field >= 0 ? `${record.table}[${detail}].${wordName(record.prefix, field)}` : `${record.table}[${detail}]`;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly status: number,
    readonly detail: number,
    readonly field: number,
  ) {
    super(`${packedField(status, detail, field)}: ${STATUS_MESSAGES[status] ?? `unknown status ${status}`}`);
  }
}
