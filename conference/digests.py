"""The one digest of the secrets the system hands out (API keys, calendar addresses): only it is stored."""

import hashlib


def secret_digest(raw: str) -> str:
    # Every secret handed out has 256 bits of entropy, so a fast hash is enough: no one can guess it,
    # and a slow hash would cost every request. Looking a row up by this digest leaks nothing useful.
    return hashlib.sha256(raw.encode()).hexdigest()
