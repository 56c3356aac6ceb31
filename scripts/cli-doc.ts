// Writes docs/cli.md from the command line's definitions (`npm run docs:cli`; src/cli/doc.ts).

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliDoc } from '../src/cli/doc.ts';

writeFileSync(fileURLToPath(new URL('../docs/cli.md', import.meta.url)), cliDoc());
