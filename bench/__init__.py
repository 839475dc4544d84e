"""Benchmarks of the matcher against baselines, and their data generators."""
