"""Protected identities moved to ``engine.cases.identity`` (every kind of case protects its reporter's identity).

This module keeps the old import path working; new code imports ``engine.cases.identity``.
"""

from engine.cases.identity import (
    PROTECTED_FIELDS,
    PROTECTED_MARK,
    IdentityVault,
    copy_identity,
    split_identity,
)

__all__ = ["PROTECTED_FIELDS", "PROTECTED_MARK", "IdentityVault", "copy_identity", "split_identity"]
