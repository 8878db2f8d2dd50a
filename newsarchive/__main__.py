"""``python -m newsarchive`` runs the command-line interface."""

from newsarchive.cli import main

raise SystemExit(main())
