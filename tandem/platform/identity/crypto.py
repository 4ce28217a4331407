"""Secrets at rest (organisations' SSO client secrets), encrypted with the configured Fernet key."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


class SecretUnreadable(RuntimeError):
    """The stored secret cannot be decrypted (the ENCRYPTION_KEY changed)."""


def _fernet() -> Fernet:
    return Fernet(current_app.config["TANDEM"].encryption_key.encode())


def encrypt_secret(plain: str) -> bytes:
    return _fernet().encrypt(plain.encode())


def decrypt_secret(token: bytes) -> str:
    try:
        return _fernet().decrypt(token).decode()
    except InvalidToken as error:
        raise SecretUnreadable("the SSO client secret cannot be decrypted: was ENCRYPTION_KEY changed?") from error
