"""Retention and the subject key vault: per-subject keys, sealing, crypto-shredding."""
