"""The access table, gathered from every area's module in this package.

Each module defines `ACCESS = {(endpoint, method): (anonymous, participant, org_admin, board)}` and may
define `arrange(db, context) -> dict` to create rows its routes need and return the ids that fill their
URLs (`context` has alpha, beta, cohort, people, participation).

For the isolation sweep (tests/integration/platform/test_access.py), a module may also define
`arrange_foreign(db, context) -> dict`: rows of organisation B (context: alpha, beta, cohort, people,
participations) whose ids A's people then try on every tenant route. A tenant route with an id the sweep
cannot fill fails the sweep.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

ACCESS: dict[tuple[str, str], tuple[int, int, int, int]] = {}
ARRANGERS: list[Callable[..., dict[str, Any]]] = []
FOREIGN_ARRANGERS: list[Callable[..., dict[str, Any]]] = []

for _module in pkgutil.iter_modules(__path__):
    _loaded = importlib.import_module(f"{__name__}.{_module.name}")
    _overlap = set(ACCESS) & set(getattr(_loaded, "ACCESS", {}))
    if _overlap:
        raise RuntimeError(f"routes listed twice in tests/access: {sorted(_overlap)}")
    ACCESS.update(getattr(_loaded, "ACCESS", {}))
    if hasattr(_loaded, "arrange"):
        ARRANGERS.append(_loaded.arrange)
    if hasattr(_loaded, "arrange_foreign"):
        FOREIGN_ARRANGERS.append(_loaded.arrange_foreign)
