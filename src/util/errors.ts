// Errors that name what was wrong and the rule it broke. Every message the library raises for bad
// input is built here, so tests can match them exactly.

/** Bad input: `field` is the path of the offending value (e.g. "nodes[2].op"). */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly rule: string,
    readonly got?: unknown,
  ) {
    super(`${field} ${rule}${got === undefined ? '' : ` (got ${show(got)})`}`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value;
}

export const rules = {
  object: 'must be an object',
  array: 'must be an array',
  string: 'must be a string',
  boolean: 'must be true or false',
  finite: 'must be a finite number',
  integer: 'must be an integer',
  oneOf: (names: readonly string[]) => `must be one of ${names.join(', ')}`,
  range: (lo: number, hi: number) => `must be an integer from ${lo} to ${hi}`,
  between: (lo: number, hi: number) => `must be a number from ${lo} to ${hi}`,
  atMost: (limit: number, what: string) => `must be at most ${limit} (${what})`,
  unknownKey: 'is not a known key',
  unique: 'must be unique',
  nodeExists: 'must name an existing node key',
  noInputTarget: 'must not be an input node (input nodes take no edges)',
  slotCovered: (role: string) => `must be held by exactly one ${role} node`,
  noCycle: (keys: number[]) =>
    `must not close a cycle of delay-0 edges (through nodes ${keys.join(' -> ')}); give one of its edges a delay of 1 or more`,
  json: (message: string) => `must be valid JSON: ${message}`,
  msgpack: (message: string) => `must be a valid msgpack genome: ${message}`,
  format: 'must be "l2l-genome"',
  version: 'must be 1',
} as const;

/**
 * A file that could not be read or written for a reason outside the user's input (a full disk, an
 * I/O error): `field` names the flag or file, `path` the path. The command fails (exit 1).
 */
export class FileSystemError extends Error {
  override readonly name = 'FileSystemError';
  constructor(
    readonly field: string,
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${field}: path ${JSON.stringify(path)} ${rule}`);
  }
}
