"""Benchmarks: reported numbers, never tests. ``make bench`` or ``python -m bench``."""
