// docs/cli.md is generated from the command line's definitions (src/cli/doc.ts); this keeps the
// committed page current, and checks it says what the issue asked of it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliDoc } from '../../src/cli/doc.ts';
import { EXIT_CODES } from '../../src/cli/exit.ts';
import { buildProgram } from '../../src/cli/program.ts';

const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

describe('docs/cli.md', () => {
  it('is current: npm run docs:cli writes it', () => {
    expect(page).toBe(cliDoc());
  });

  it('lists every command, every flag with its default or range, and the exit codes', () => {
    const program = buildProgram({ stdout: () => {}, stderr: () => {} }, () => {});
    const sections = page.split(/^(?=## )/m);
    for (const command of program.commands) {
      const section = sections.find((s) => s.startsWith(`## l2l ${command.name()}\n`));
      expect(section, command.name()).toBeDefined();
      for (const option of command.options.filter((o) => o.long !== '--help')) {
        const row = section?.split('\n').find((line) => line.startsWith(`| \`${option.flags}\` |`));
        expect(row, `${command.name()} ${option.flags}`).toBeDefined();
        expect(row?.split('|').slice(3, 5).join('').trim(), `${command.name()} ${option.flags}: default or values`).not.toBe('');
      }
    }
    for (const { code } of EXIT_CODES) expect(page).toMatch(new RegExp(`^\\| ${code} \\| \\S`, 'm'));
    expect(page).toContain('| `--steps <n>` | optimizer steps per task | each task\'s | 1 to 100000 |');
    expect(page).toContain('L2L_DEBUG=1');
  });
});
