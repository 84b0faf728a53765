/** Batch loss averaged into at most `points` buckets: [middle step, mean loss]. */
export function thinSteps(loss: number[], points = 120): [number, number][] {
  const per = Math.max(1, Math.ceil(loss.length / points));
  const out: [number, number][] = [];
  for (let at = 0; at < loss.length; at += per) {
    const chunk = loss.slice(at, at + per);
    out.push([at + (chunk.length - 1) / 2, chunk.reduce((a, b) => a + b, 0) / chunk.length]);
  }
  return out;
}
