"""Data that is not real: the demo data set and the synthetic national data for benchmarks."""
