"""The answering engine: articles in, cited answers out. Never imports telegram."""

from .answers import Answer, Citation
from .engine import Engine
from .settings import EngineSettings

__all__ = ["Answer", "Citation", "Engine", "EngineSettings"]
