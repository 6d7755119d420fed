"""A citizen's rating of a dossier's handling, kept for the sync daemon to deliver."""

from __future__ import annotations

import uuid

from appliance.domain.rating import validate_rating
from appliance.store import Store


def add_rating(store: Store, code: str, level: int, reason: str) -> None:
    """Validate (RatingError carries the citizen's message) and queue it for sending."""
    rating = validate_rating(code=code, level=level, reason=reason or None,
                             rated_at=store.clock.wall())
    store.add_rating(str(uuid.uuid4()), rating.dossier_code, rating.to_payload())
    store.request_sync()
