"""Mutants of real torch: small monkeypatches that each break one documented behaviour."""
