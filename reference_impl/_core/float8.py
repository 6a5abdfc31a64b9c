"""The 8-bit floating-point encodings torch stores as ``torch.float8_e4m3fn`` and
``torch.float8_e5m2`` (issue 17).

https://docs.pytorch.org/docs/stable/tensor_attributes.html ("float8_e4m3fn", "float8_e5m2",
after https://arxiv.org/abs/2209.05433): e4m3fn has 4 exponent bits (bias 7), 3 mantissa bits,
no infinities and one NaN pattern per sign (S.1111.111), so its largest finite value is 448;
e5m2 is IEEE-like (bias 15, infinities and NaNs), its largest finite value 57344.

A value is stored by rounding to the nearest representable value, ties to the even pattern,
sign and NaN kept. Past the largest finite value e5m2 rounds to infinity as IEEE does, while
torch's e4m3fn conversion saturates (seen on torch 2.13: 500, 1e9 and inf store 448; -1e9
stores -448). Values pass through float32 first, as c10's constructors take a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Float8Format:
    """One 8-bit format: its field widths, and what happens past its largest finite value."""

    exponent_bits: int
    mantissa_bits: int
    has_inf: bool  # e5m2: S.11111.00 is infinity; e4m3fn has none and saturates

    @property
    def bias(self) -> int:
        return (1 << (self.exponent_bits - 1)) - 1

    def decode_magnitude(self, code: int) -> float:
        """The value of a pattern without its sign bit (0..127)."""
        m_bits = self.mantissa_bits
        exp, man = code >> m_bits, code & ((1 << m_bits) - 1)
        top = (1 << self.exponent_bits) - 1
        if self.has_inf and exp == top:
            return float("inf") if man == 0 else float("nan")
        if not self.has_inf and exp == top and man == (1 << m_bits) - 1:
            return float("nan")
        if exp == 0:  # subnormal
            return man * 2.0 ** (1 - self.bias - m_bits)
        return (1 + man / (1 << m_bits)) * 2.0 ** (exp - self.bias)

    @cached_property
    def table(self) -> np.ndarray:
        """float32 value of each of the 256 patterns."""
        mags = np.array([self.decode_magnitude(c) for c in range(128)], dtype=np.float64)
        return np.concatenate([mags, -mags]).astype(np.float32)

    @cached_property
    def _ladder(self) -> tuple[np.ndarray, np.ndarray]:
        """The non-negative finite magnitudes in increasing order with their patterns, and
        infinity's pattern after them where the format has one (the rounding target past
        the largest finite value)."""
        mags = self.table[:128].astype(np.float64)
        codes = np.arange(128)
        keep = np.isfinite(mags) if not self.has_inf else ~np.isnan(mags)
        order = np.argsort(mags[keep], kind="stable")
        return mags[keep][order], codes[keep][order]

    def encode(self, values: np.ndarray) -> np.ndarray:
        """float values -> uint8 patterns: nearest, ties to even, sign and NaN kept."""
        v = np.asarray(values, dtype=np.float32).astype(np.float64)
        sign = np.signbit(v)
        mag = np.abs(v)
        mags, codes = self._ladder
        # A magnitude above the largest finite value: e4m3fn saturates to it (inf included),
        # e5m2 rounds between it and infinity like any other pair.
        top_finite = mags[-2] if self.has_inf else mags[-1]
        clipped = mag if self.has_inf else np.minimum(mag, top_finite)
        hi = np.clip(np.searchsorted(mags, clipped, side="left"), 1, len(mags) - 1)
        lo = hi - 1
        lo_v, hi_v = mags[lo], mags[hi]
        if self.has_inf:  # the step from the largest finite value to infinity is one ulp
            ulp = mags[-2] - mags[-3]
            hi_v = np.where(np.isinf(hi_v), mags[-2] + ulp, hi_v)
        with np.errstate(invalid="ignore"):
            d_lo, d_hi = clipped - lo_v, hi_v - clipped
            pick_hi = (d_hi < d_lo) | ((d_hi == d_lo) & (codes[hi] % 2 == 0))
        out = np.where(pick_hi, codes[hi], codes[lo])
        out = np.where(clipped == 0, 0, out)
        out = np.where(np.isinf(clipped), codes[-1], out)
        nan_code = (1 << 7) - 1
        out = np.where(np.isnan(v), nan_code, out)
        return (out | np.where(sign, 0x80, 0)).astype(np.uint8)

    def decode(self, bits: np.ndarray) -> np.ndarray:
        return self.table[np.asarray(bits, dtype=np.uint8)]


E4M3FN = Float8Format(4, 3, has_inf=False)
E5M2 = Float8Format(5, 2, has_inf=True)
