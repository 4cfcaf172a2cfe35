"""Retention and the subject key vault: per-subject keys, sealing, pseudonyms, crypto-shredding."""

from .keys import load_or_create_key
from .pseudonyms import Pseudonymizer
from .vault import KeyVault, LocalMasterKey, MasterKey, Shredded, VaultError

__all__ = ["load_or_create_key", "Pseudonymizer", "KeyVault", "VaultError", "MasterKey", "LocalMasterKey", "Shredded"]
