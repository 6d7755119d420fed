"""The citizen's session: everything entered, in memory only, and its wipe (DESIGN §6).

The UI keeps exactly one Session. Completion, cancel and the inactivity timeout all call
``wipe()``, which drops every reference to personal data and deletes the session's temp folder
(where the scanner may write page files). Nothing here touches Kivy, so the wipe is tested plainly.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.domain.dossier import Draft, Page
from appliance.domain.identity import Identity


@dataclass
class Session:
    procedure_code: str | None = None
    identity: Identity | None = None
    form: dict[str, str] = field(default_factory=dict)
    pages: dict[str, list[Page]] = field(default_factory=dict)
    phone: str = ""
    confirm_code: str = ""
    result: Any = None
    """The finalize result (dossier code, due date, slip) once submitted."""
    _tmp: Path | None = None

    @property
    def active(self) -> bool:
        """Whether anything personal or in progress is held."""
        return bool(
            self.procedure_code or self.identity or self.form or self.pages or self.result
        )

    def temp_dir(self) -> Path:
        """A private folder for this session's files, created on first use (mode 0700)."""
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="kiosk-session-"))
        return self._tmp

    def new_confirm_code(self) -> str:
        self.confirm_code = f"{secrets.randbelow(10_000):04d}"
        return self.confirm_code

    def page_count(self, component: str | None = None) -> int:
        if component is not None:
            return len(self.pages.get(component, []))
        return sum(len(p) for p in self.pages.values())

    def to_draft(self) -> Draft:
        if not self.procedure_code or self.identity is None:
            raise ValueError("a draft needs a procedure and an identity")
        return Draft(
            procedure_code=self.procedure_code,
            identity=self.identity,
            form=dict(self.form),
            pages={k: list(v) for k, v in self.pages.items() if v},
            phone=self.phone,
        )

    def wipe(self) -> None:
        """Forget everything and delete the temp folder."""
        self.procedure_code = None
        self.identity = None
        self.form.clear()
        self.pages.clear()
        self.phone = ""
        self.confirm_code = ""
        self.result = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
