"""The dunning domain: cases, features, strategy, policy gate, pipeline, events, batch runs."""
