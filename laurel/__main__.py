import sys

from laurel.cli import main

sys.exit(main())
