"""`python -m tystnad` runs the command line."""

from tystnad.cli import main

main()
