import { describe, expect, it } from 'vitest';
import { exprEval, exprNames, exprParse, exprShader } from './expression';

describe('the kernels’ expression language', () => {
  const value = (v: string) => ({ p: 2, g: -3, '@m': 0.5, $lr: 0.1 })[v]!;

  it('reads precedence, unary minus and calls as arithmetic does (values worked by hand)', () => {
    // 2 − 0.1·(−3 + 2·0.5) = 2 − 0.1·(−2) = 2.2
    expect(exprEval(exprParse('p - $lr * (g + 2 * @m)'), value)).toBeCloseTo(2.2, 12);
    // −3² written as −g·g with g = −3: −9; max(|g|, p) = 3; sqrt(p·p) = 2
    expect(exprEval(exprParse('-g * g'), value)).toBe(-9);
    expect(exprEval(exprParse('max(abs(g), p) + sqrt(p * p)'), value)).toBe(5);
    expect(exprEval(exprParse('1e-3 * 2.5e2 / .5'), value)).toBe(0.5);
    expect([...exprNames(exprParse('p - $lr * (g + 2 * @m)'))].sort()).toEqual(['$lr', '@m', 'g', 'p']);
  });

  it('writes shader text fully parenthesised, with float literals', () => {
    expect(exprShader(exprParse('p - $lr * g / 2'), (v) => v.replace('$', 'u_'))).toBe('(p - ((u_lr * g) / 2.0))');
    expect(exprShader(exprParse('-2 * x'), (v) => v)).toBe('((-2.0) * x)');
  });

  it('names what it cannot read', () => {
    expect(() => exprParse('p +')).toThrow(/ends too soon/);
    expect(() => exprParse('p # g')).toThrow(/cannot read/);
    expect(() => exprParse('tanh(p)')).toThrow(/unknown function tanh/);
    expect(() => exprParse('max(p)')).toThrow(/takes 2/);
    expect(() => exprParse('(p + g')).toThrow(/expected "\)"/);
  });
});
