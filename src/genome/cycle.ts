// Delay-0 cycle detection: a tick evaluates nodes in topological order of the enabled delay-0 edges,
// so every cycle must pass through a delayed edge. Iterative DFS with colours (Cormen et al., ch. 22).

interface Keyed {
  key: number;
}
interface Link {
  source: number;
  target: number;
  delay: number;
  enabled: boolean;
}

/** The node keys of one delay-0 cycle in edge order, or null if there is none. */
export function findDelayZeroCycle(nodes: readonly Keyed[], edges: readonly Link[]): number[] | null {
  const next = new Map<number, number[]>();
  for (const n of nodes) next.set(n.key, []);
  for (const e of edges) {
    if (e.enabled && e.delay === 0) next.get(e.source)?.push(e.target);
  }
  const colour = new Map<number, 1 | 2>(); // 1: on the stack, 2: done
  for (const start of nodes) {
    if (colour.has(start.key)) continue;
    const path: number[] = [start.key];
    const cursor: number[] = [0];
    colour.set(start.key, 1);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as number;
      const outs = next.get(node) ?? [];
      const i = cursor[top] as number;
      if (i === outs.length) {
        colour.set(node, 2);
        path.pop();
        cursor.pop();
        continue;
      }
      cursor[top] = i + 1;
      const target = outs[i] as number;
      const c = colour.get(target);
      if (c === 1) return path.slice(path.indexOf(target));
      if (c === undefined) {
        colour.set(target, 1);
        path.push(target);
        cursor.push(0);
      }
    }
  }
  return null;
}
