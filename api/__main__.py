"""``python -m api`` runs the phananh command line."""

from api.cli import main

main()
