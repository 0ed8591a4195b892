"""Benchmarks (see README.md); a package so that gunicorn can import bench.bench_app."""
