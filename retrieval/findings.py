"""What a check of `newsbot doctor` found (the store's checks in doctor.py, the indexes' own in
retrieval/indexes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Finding:
    check: str
    #: "ok", "repaired", or "failed" (found and not repairable here)
    status: str
    detail: str = ""
