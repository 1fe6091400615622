"""Speed and load benchmarks, built on the product's public APIs (see docs/benchmarks.md)."""
