"""Runs when you run scripts/build.py: see runner.py."""
