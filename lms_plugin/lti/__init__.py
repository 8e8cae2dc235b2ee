"""LTI 1.3 over pylti1.3: tool configuration from the database, shared launch state, keys."""
