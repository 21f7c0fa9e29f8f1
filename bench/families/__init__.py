"""Benchmark families: each module yields its rows from cases(workdir) (see bench/README.md)."""
