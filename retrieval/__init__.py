"""The answering engine: articles in, cited answers out. Never imports telegram.

`from retrieval import Engine` is the front door; the modules are read in the order README's
"How it works" gives.
"""

from .answers import Answer, Citation
from .engine import Engine
from .settings import EngineSettings

__all__ = ["Answer", "Citation", "Engine", "EngineSettings"]
