"""The ``mailarchive`` command: a thin click layer over :mod:`mailarchive.api`.

stdout carries data only; the summary line, progress and errors go to stderr.
Exit codes: 0 done (defects are reported, not fatal), 1 an error (missing
file, unknown format, a defect under ``--strict``), 2 bad usage.

Modules: ``options`` (option bundles shared by every command), ``common``
(errors, summary line), ``core_cmds`` (parse, threads), ``export_cmds``
(export, show, stats, schema), ``progress`` (the stderr counter).
"""

from __future__ import annotations

import click

from mailarchive.cli import core_cmds, export_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailarchive")
def cli() -> None:
    """Turn email archives (mbox, Maildir, MH, .eml, pipermail, pasted text)
    into clean, threaded, structured data."""


for _command in (
    core_cmds.parse,
    core_cmds.threads,
    export_cmds.export,
    export_cmds.show,
    export_cmds.stats,
    export_cmds.schema,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="mailarchive")
