"""`coach bench`: a developer tool, run from a source checkout (`make bench`), never installed.

It starts the checkout's `app.py` to measure the web app's memory and compares against a
LangChain-tutorial rebuild, so it needs the dev extras (psutil, langchain-chroma, pyinstrument).
"""

from bench.speed import format_bench, run_bench, to_json

# Dev extras the benchmarks import (the CLI checks them first and names what to install).
NEEDS = ("psutil", "langchain_chroma", "pyinstrument")

__all__ = ["NEEDS", "format_bench", "run_bench", "to_json"]
