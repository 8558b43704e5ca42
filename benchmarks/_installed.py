"""Make the timed commands start as an installed package does: with bytecode.

``pip install`` compiles a package's modules once; an editable checkout run
with ``PYTHONDONTWRITEBYTECODE=1`` (or from a read-only tree) compiles every
import on every start instead, ~0.3 s that an installed copy never pays and
that would weigh on the short runs (``threads --format table``) more than on
the long ones. The benchmarks call :func:`compile_package` before timing.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import mailarchive


def compile_package() -> None:
    """Write the ``__pycache__`` bytecode of every mailarchive module (quietly)."""
    for folder in mailarchive.__path__:  # a namespace path from some editable installs
        if Path(folder, "__init__.py").is_file():
            compileall.compile_dir(folder, quiet=1)
