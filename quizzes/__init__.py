"""Question banks (YAML, one per module) and the pure quiz engine: drawing, shuffling, scoring."""
