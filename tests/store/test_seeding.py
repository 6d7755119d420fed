"""The one synthetic-dossier generator (appliance.app.seeding): ``kiosk seed``, the sync tests and
bench/sync.py all finalize through it; its two page kinds are options of the same generator."""

from __future__ import annotations

import io
import json
import random

import pytest
from PIL import Image

from appliance.app import seeding
from appliance.cli import main
from appliance.crypto import PortalKey
from appliance.domain.catalogue import default_catalogue
from appliance.store import Store


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
        f'[gateway]\nportal_public_key = "{PortalKey.generate().public_key_b64}"\n'
        "[storage]\nreserve_mb = 0\n", encoding="utf-8")
    return path


@pytest.fixture
def calls(monkeypatch):
    """The keyword arguments of every call of the generator, which still runs."""
    made: list[dict] = []
    original = seeding.dossiers

    def spy(*args, **kwargs):
        made.append(kwargs)
        yield from original(*args, **kwargs)

    monkeypatch.setattr(seeding, "dossiers", spy)
    return made


def test_kiosk_seed_finalizes_through_the_generator(config_file, calls, capsys):
    rc = main(["--config", str(config_file), "seed", "--dossiers", "2", "--pages", "1",
               "--procedure", seeding.KHAI_SINH, "--seed", "7", "--json"])
    assert rc == 0
    created = json.loads(capsys.readouterr().out)["created"]
    assert len(created) == 2 and len(calls) == 1 and calls[0]["seed"] == 7
    store = Store.open(config_file.parent / "data", reserve_mb=0)
    try:
        assert sorted(r.code for r in store.all_dossiers()) == sorted(c["code"] for c in created)
    finally:
        store.close()


def test_the_sync_tests_seed_is_the_same_generator_with_fast_pages(tmp_path, calls):
    results = seeding.seed(tmp_path / "k", PortalKey.generate().public_key_b64, 3, pages=2,
                           page_size=1_000)
    assert len(results) == 3 and len(calls) == 1
    page = calls[0]["page_source"](random.Random(0))
    assert page.data.startswith(b"%PDF-1.4\n") and len(page.data) == 1_009


def test_same_seed_same_citizens_procedures_and_pages():
    procedures = list(default_catalogue().procedures)

    def drafts(seed):
        rng = random.Random(seed)
        return [seeding.draft(rng, rng.choice(procedures), pages=3,
                              page_source=seeding.random_pages(50), number=n) for n in range(5)]

    assert drafts(3) == drafts(3) != drafts(4)
    for d in drafts(3):
        procedure = default_catalogue().get(d.procedure_code)
        required = {f.name for f in procedure.form if f.required}
        assert set(d.form) == required and all(d.form.values())
        assert sum(len(p) for p in d.pages.values()) == 3


def test_rendered_pages_are_processed_jpegs_made_once():
    source = seeding.rendered_pages(1, seed=2)
    rng = random.Random(0)
    first, second = source(rng), source(rng)
    assert first.media_type == "image/jpeg" and first.data is second.data
    with Image.open(io.BytesIO(first.data)) as img:
        assert img.format == "JPEG" and img.width > 1000
