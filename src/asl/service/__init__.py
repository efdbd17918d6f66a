"""The production service: HTTP API (``asl serve``), distributed workers (``asl worker``),
authentication, limits, metrics, traces and logs.

Nothing here is imported by ``import asl``: the CLI imports these modules only when
``asl serve``, ``asl worker`` or ``asl keys`` runs, so the library and the other
commands keep their cold start. See ``docs/service.md`` and ``docs/production.md``.
"""
