"""People: users and sign-in, the unit tree, who may take a task, and the one permissions policy."""
