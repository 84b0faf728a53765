"""Expected values for src/engine/search/gp.test.ts, computed independently with numpy
(an explicit matrix inverse, not the Cholesky solve the app uses) and math.erf.
Run: python3 scripts/make_gp_fixture.py"""
import math
import numpy as np


def k(a, b, l, s):
    r = abs(a - b) / l
    t = math.sqrt(5) * r
    return s * (1 + t + 5 * r * r / 3) * math.exp(-t)


X = [0.0, 1.0, 2.5]
y = np.array([1.0, -1.0, 0.5])
l, s, noise = 0.8, 1.5, 0.01
K = np.array([[k(a, b, l, s) + (noise if i == j else 0) for j, b in enumerate(X)] for i, a in enumerate(X)])
Ki = np.linalg.inv(K)
for x in [0.25, 1.7]:
    kx = np.array([k(x, b, l, s) for b in X])
    print(f"x={x}: mean={kx @ Ki @ y!r} variance={s - kx @ Ki @ kx!r}")
L = np.linalg.cholesky(K)
print("log marginal likelihood", -0.5 * y @ Ki @ y - np.log(np.diag(L)).sum() - 1.5 * math.log(2 * math.pi))

Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
for m, sd, best in [(0, 1, 0), (0.5, 2, 1), (2, 0.5, 1)]:
    g = best - m
    print(f"EI(mean={m}, sd={sd}, best={best}) = {g * Phi(g / sd) + sd * phi(g / sd)!r}")
