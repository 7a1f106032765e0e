"""The AG-UI protocol's own package (``ag-ui-protocol``, module ``ag_ui``): imported here, once, with a message
that says how to install it."""

from __future__ import annotations

try:
    from ag_ui.core import PROTOCOL_VERSION as PROTOCOL_VERSION
except ImportError as error:  # pragma: no cover
    raise ImportError(
        "The AG-UI adapter needs the AG-UI protocol's package: `pip install ag-ui-protocol` (or `trio-agent[ui]`)."
    ) from error

__all__ = ["PROTOCOL_VERSION"]
