// Edge selection for effects (docs/engine.md, Effects, Selection): the enabled edges within `radius`
// hops of the acting node along (`out`) or against (`in`) the edge direction, sorted by key, ordered
// by the selection policy (a partial Fisher-Yates shuffle for `random`), the first k taken; each
// selected edge gets chosen = t.

import type { Hash } from './hash.ts';
import type { EdgeState, EffectState, GraphState } from './state.ts';

/**
 * The candidate edges within `radius` hops of `start`, sorted by key, and how many edges the search
 * examined: every edge leaving (for `in`, entering) a node of each hop's frontier, enabled or not
 * (docs/engine.md, Costs: effect search).
 */
export function candidates(graph: GraphState, start: number, direction: 'out' | 'in', radius: number): { edges: EdgeState[]; examined: number } {
  const found = new Set<EdgeState>();
  const reached = new Set<number>([start]);
  let frontier = [start];
  let examined = 0;
  for (let hop = 1; hop <= radius && frontier.length > 0; hop++) {
    const next: number[] = [];
    for (const e of graph.edges.values()) {
      const near = direction === 'out' ? e.source : e.target;
      const far = direction === 'out' ? e.target : e.source;
      if (!frontier.includes(near)) continue;
      examined += 1;
      if (!e.enabled) continue;
      found.add(e);
      if (!reached.has(far)) {
        reached.add(far);
        next.push(far);
      }
    }
    frontier = next;
  }
  return { edges: [...found].sort((a, b) => a.key - b.key), examined };
}

/** Orders key-sorted candidates by policy; ties by key ascending (the sort is stable). */
function order(c: EdgeState[], fx: EffectState, t: number, actor: number, position: number, hash: Hash): EdgeState[] {
  const by = (f: (a: EdgeState, b: EdgeState) => number): EdgeState[] => [...c].sort(f);
  switch (fx.select) {
    case 'all': return c;
    case 'newest': return by((a, b) => b.born - a.born || b.key - a.key);
    case 'oldest': return by((a, b) => a.born - b.born || a.key - b.key);
    case 'most-used': return by((a, b) => b.usage - a.usage);
    case 'least-used': return by((a, b) => a.usage - b.usage);
    case 'most-recent': return by((a, b) => b.chosen - a.chosen);
    case 'least-recent': return by((a, b) => a.chosen - b.chosen);
    case 'random': {
      const s = [...c];
      const m = s.length;
      for (let j = 0; j < m; j++) {
        const r = j + (hash.H(t, actor, 65536 + position, j) % (m - j));
        [s[j], s[r]] = [s[r] as EdgeState, s[j] as EdgeState];
      }
      return s;
    }
  }
}

/**
 * The edges effect `fx` at position `position` of node `actor` selects at tick t, in selection
 * order; marks each with chosen = t. `search` counts the effect search: the edges the candidate
 * search examined, and m ceil(log2 m) for ordering its m candidates.
 */
export function selectEdges(graph: GraphState, actor: number, fx: EffectState, position: number, t: number, hash: Hash, search = { effectSearch: 0 }): EdgeState[] {
  const found = candidates(graph, actor, fx.direction, fx.radius);
  const m = found.edges.length;
  search.effectSearch += found.examined + (m <= 1 ? 0 : m * (32 - Math.clz32(m - 1)));
  const ordered = order(found.edges, fx, t, actor, position, hash);
  const selected = fx.k === 0 ? ordered : ordered.slice(0, fx.k);
  for (const e of selected) e.chosen = t;
  return selected;
}
