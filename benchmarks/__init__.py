"""Benchmarks (make bench): each bench_*.py module here has main(); figures go to docs/benchmarks.md."""
