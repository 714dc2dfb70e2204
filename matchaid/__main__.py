"""``python -m matchaid`` runs the command line."""

import sys

from matchaid.cli import main

sys.exit(main())
