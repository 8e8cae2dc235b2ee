"""Benchmarks for the speed and memory goals; run with `make bench`."""
