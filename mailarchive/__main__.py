"""``python -m mailarchive`` runs the command line."""

from mailarchive.cli import main

main()
