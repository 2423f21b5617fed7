"""Seeded sampling the standard library lacks (Poisson, binomial), fast enough for a demo store."""

from __future__ import annotations

import math
import random


class Sampler(random.Random):
    def poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 40:
            return max(0, round(self.gauss(lam, math.sqrt(lam))))
        # Knuth: multiply uniforms until the product drops below e^-lam
        limit, k, p = math.exp(-lam), 0, self.random()
        while p > limit:
            k += 1
            p *= self.random()
        return k

    def binomial(self, n: int, p: float) -> int:
        if n <= 0 or p <= 0:
            return 0
        if p >= 1:
            return n
        if n * p > 30 and n * (1 - p) > 30:
            return min(n, max(0, round(self.gauss(n * p, math.sqrt(n * p * (1 - p))))))
        if n < 12:
            r = self.random
            return sum(1 for _ in range(n) if r() < p)
        return min(n, self.poisson(n * p))

    def lognormal(self, sigma: float) -> float:
        """A multiplier around 1 (median 1)."""
        return math.exp(self.gauss(0.0, sigma))
