"""Retention and the subject key vault: per-subject keys by retention category, sealing,
pseudonyms, the retention schedule, legal holds, retention runs and crypto-shredding."""

from .keys import load_or_create_key
from .pseudonyms import Pseudonymizer
from .schedule import GENERAL, Category, Placement, Schedule, ScheduleError, load_schedule
from .vault import KeyVault, LocalMasterKey, MasterKey, Shredded, VaultError, key_id

__all__ = ["load_or_create_key", "Pseudonymizer", "KeyVault", "VaultError", "MasterKey", "LocalMasterKey", "Shredded",
           "key_id", "GENERAL", "Category", "Placement", "Schedule", "ScheduleError", "load_schedule"]
