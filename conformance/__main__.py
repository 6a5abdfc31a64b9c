"""python -m conformance: the command line (conformance/cli.py)."""

import sys

from .cli import main

sys.exit(main())
