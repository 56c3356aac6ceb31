#!/usr/bin/env node
// The l2l command: runs the TypeScript CLI through tsx's loader (no separate compile step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main();
