"""``python -m respin`` runs the command-line filter."""
import sys

from .cli import main

sys.exit(main())
