"""Option bundles shared by every command, so each is spelled one way everywhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import click

from mailarchive.sources import INPUT_FORMATS
from mailarchive.thread import SUBJECT_GROUPING

F = TypeVar("F", bound=Callable[..., Any])


def source_options(func: F) -> F:
    """SOURCE... plus how to read them: format, strictness, splitting."""
    decorators = [
        click.argument("sources", nargs=-1, required=True, metavar="SOURCE..."),
        click.option(
            "--input-format",
            type=click.Choice(INPUT_FORMATS),
            default=None,
            help="Read every SOURCE as this format instead of detecting it from the content.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Stop with an error at the first defect instead of recording it.",
        ),
        click.option(
            "--no-split",
            "no_split",
            is_flag=True,
            help="Keep bodies whole: do not split forwards and quoted replies into messages.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def thread_options(func: F) -> F:
    """How threads are built."""
    decorators = [
        click.option(
            "--subject-grouping",
            type=click.Choice(SUBJECT_GROUPING),
            default="auto",
            show_default=True,
            help="Join messages by base subject: never, always, or only those with no "
            "reference headers (auto).",
        ),
        click.option(
            "--subject-window",
            type=click.IntRange(min=0),
            default=28,
            show_default=True,
            metavar="DAYS",
            help="Join by subject only messages at most this many days apart.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def output_option(func: F) -> F:
    """--output/-o: a file, or - for stdout."""
    return click.option(
        "--output",
        "-o",
        default="-",
        show_default=True,
        metavar="FILE",
        help="Write here instead of stdout (- is stdout).",
    )(func)


@contextmanager
def open_output(path: str) -> Iterator[IO[str]]:
    """stdout for ``-``, else the file (UTF-8); a clean error if it cannot be written."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from exc
    with fh:
        yield fh
