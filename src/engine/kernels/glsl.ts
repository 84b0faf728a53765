/** GLSL helpers for the engine's packed WebGL programs (four values per texel: rows r, r+1 × columns c, c+1). */

/** GLSL that reads the two values of row b at columns c, c+1 of a packed input, [K, B, C] or [B, C]. */
export function glslPair(name: string, rank: number): string {
  const get = rank === 3 ? `get${name}(k, b, c)` : `get${name}(b, c)`;
  return `vec2 pair${name}(int k, int b, int c) {
        vec4 t = ${get};
        return b - 2 * (b / 2) == 0 ? t.xy : t.zw;
      }`;
}

/** GLSL: zero the parts of an output texel that fall outside a [K, R, C] tensor, as tfjs's packed programs do. */
export function glslPadZero(R: number, C: number): string {
  return `
        if (rc.y + 1 >= ${R}) result.zw = vec2(0.0);
        if (rc.z + 1 >= ${C}) result.yw = vec2(0.0);`;
}
