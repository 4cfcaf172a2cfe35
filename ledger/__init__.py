"""Persistence foundation: database engine and units of work, the append-only hash-chained ledger."""
