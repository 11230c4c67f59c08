"""``python -m respin.bench`` runs the ``respin-bench`` command."""
import sys

from .cli import main

sys.exit(main())
