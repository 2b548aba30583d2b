import sys

from zskip.cli import main

sys.exit(main())
