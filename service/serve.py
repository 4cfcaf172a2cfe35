"""``fairdun serve``: the app under gunicorn (each worker builds its own app)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

__all__ = ["serve"]


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from .app import create_app
        from .cli_policy import record_activation_at_start

        app = create_app()
        record_activation_at_start(app)
        return app


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    # No access log: URLs of the data-subject endpoints carry the debtor's reference.
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "accesslog": None, "timeout": 120}).run()
