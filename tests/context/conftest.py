from tests.runtime.conftest import clock, run

__all__ = ["clock", "run"]
