"""Benchmarking solver configurations, side by side with peers.

``python -m benchmarks run GRID.toml`` runs a grid (instances x seeds x configurations,
plus the peers) and writes results; ``python -m benchmarks report RESULTS.json`` writes
the Markdown and HTML report; ``python -m benchmarks all GRID.toml`` does both and
refreshes the results table in ``benchmarks/README.md``. See that README for the
protocol.
"""
