"""Which encoder embeds: PyTorch (sentence-transformers), ONNX Runtime (float or int8) or
OpenVINO, chosen by `NEWSBOT_ENCODER`. Loading one takes seconds, so each process loads each
(model, encoder, export folder) once and shares it between engines."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .embeddings import Encoder, TorchEncoder
from .errors import NewsbotError
from .settings import EngineSettings

ENCODERS = ("torch", "onnx", "onnx-int8", "openvino")


def get_encoder(settings: EngineSettings) -> Encoder:
    """The encoder the settings name, loaded once per process."""
    if settings.encoder not in ENCODERS:
        raise NewsbotError(f"unknown encoder {settings.encoder!r}: use torch, onnx, onnx-int8 or openvino")
    export_dir = Path(settings.encoder_cache or Path(settings.data_dir) / "encoders")
    return _load(settings.model, settings.encoder, export_dir, settings.embed_batch_size)


@cache
def _load(model: str, kind: str, export_dir: Path, batch_size: int) -> Encoder:
    if kind == "torch":
        return TorchEncoder(model, batch_size)
    from .onnx_encoder import OnnxEncoder, OpenVinoEncoder

    if kind == "openvino":
        return OpenVinoEncoder(model, export_dir, batch_size=batch_size)
    return OnnxEncoder(model, export_dir, quantized=kind == "onnx-int8", batch_size=batch_size)
