"""The kiosk's durable store (DESIGN §4); see ``appliance.store.store`` and docs/store.md."""

from appliance.store.blobs import BlobError
from appliance.store.store import (
    Alert,
    DossierRecord,
    FileRecord,
    NewDossier,
    OfficialAnswer,
    Store,
    StoreHealth,
    StoreUnavailable,
    SubmissionRefused,
)

__all__ = [
    "Alert",
    "BlobError",
    "DossierRecord",
    "FileRecord",
    "NewDossier",
    "OfficialAnswer",
    "Store",
    "StoreHealth",
    "StoreUnavailable",
    "SubmissionRefused",
]
