"""`python -m hindsight` is the `hindsight` command."""

from .cli import main

main()
