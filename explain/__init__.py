"""The glass-box risk model: training, JSON artifact, scoring, reason codes."""
