// The learner task table (src/learner/tasks.ts): every task builds through the registry, draws the
// same episode from the same seed, and has the chance level the table states (a random agent's
// mean over held-out seeds; the feature tasks' chance is a non-plastic network's, checked in
// features.test.ts and correlation.test.ts); the oracle reaches the best score; the shortfall maps
// chance to 1 and the best to 0.
import { describe, expect, it } from 'vitest';
import { oracleAgent, randomAgent, runAgent } from '../../src/learner/agents.ts';
import { LEARNER_TASKS, shortfall } from '../../src/learner/tasks.ts';
import { buildTask, isLearnerTask } from '../../src/tasks/registry.ts';

const FEATURES = new Set(['pca', 'selectivity', 'correlation']);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const seeds = Array.from({ length: 80 }, (_, i) => 2000 + i);

describe('the learner task table', () => {
  it('builds every task and variant through the registry, the same episode from the same seed', () => {
    for (const t of LEARNER_TASKS) {
      for (const ref of [t.name, ...t.variants.map((v) => `${t.name}:${v}`)]) {
        expect(isLearnerTask(ref), ref).toBe(true);
        const instance = buildTask(ref, 5);
        expect(instance.kind, ref).toBe('learner');
        if (instance.kind !== 'learner') continue;
        const variant = instance.variant;
        const [a, b] = [t.make(11, variant), t.make(11, variant)];
        expect(a.kind).toBe(t.kind);
        const walk = (env: typeof a): string => {
          const seen: string[] = [];
          for (let i = 0; i < 30 && !env.done; i++) {
            const o = env.observe();
            seen.push(`${Array.from(o.channels).join(',')}|${o.reward}|${o.choice}`);
            env.act(0, new Float32Array(env.actions));
          }
          return seen.join(' ');
        };
        expect(walk(a), ref).toBe(walk(b));
      }
    }
  });

  it('states each task\'s chance level: a random agent\'s mean score within 0.04', () => {
    for (const t of LEARNER_TASKS.filter((x) => !FEATURES.has(x.name))) {
      const chance = mean(seeds.map((s) => runAgent(t.make(s, t.variants.includes('dms') ? 'dms' : undefined), randomAgent(t.make(s, undefined).actions, s + 1))));
      expect(Math.abs(chance - t.chance), `${t.name}: measured ${chance}`).toBeLessThan(0.04);
    }
  });

  it('has the oracle at the best score on the tasks whose oracle acts, and maps chance to 1, the best to 0', () => {
    for (const t of LEARNER_TASKS.filter((x) => !FEATURES.has(x.name) && x.name !== 'familiarity' && x.name !== 'association')) {
      const oracle = mean(seeds.slice(0, 20).map((s) => { const env = t.make(s, undefined); return runAgent(env, oracleAgent(env)); }));
      expect(oracle, t.name).toBeCloseTo(t.best, 6);
    }
    for (const t of LEARNER_TASKS) {
      expect(shortfall(t, t.chance)).toBeCloseTo(1, 12);
      expect(shortfall(t, t.best)).toBeCloseTo(0, 12);
    }
  });
});
