"""Where the update's state is kept: the store's ``sync_state`` under ``update`` (JSON), so the
sync daemon, staff mode (a USB stick) and ``kiosk status`` share one state on the data partition."""

from __future__ import annotations

from appliance.store import Store
from appliance.update.machine import UpdateState

STATE_KEY = "update"


def load(store: Store, running_version: str) -> UpdateState:
    text = store.sync_state().get(STATE_KEY)
    if not isinstance(text, str):
        return UpdateState(running=running_version)
    return UpdateState.from_json(text)


def save(store: Store, state: UpdateState) -> None:
    store.update_sync_state(**{STATE_KEY: state.to_json()})
