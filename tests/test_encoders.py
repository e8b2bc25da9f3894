"""The encoders behind NEWSBOT_ENCODER give the same model's vectors."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embeddings import get_encoder
from retrieval.errors import NewsbotError

TEXTS = [
    "what did Lukyanova say?",
    "The port of Valmora reopened on Monday after three weeks of repairs to the sea wall. " * 4,
    "Ok",
]


def test_onnx_matches_pytorch_and_int8_stays_close(settings):
    torch_vectors = get_encoder(settings.model_copy(update={"encoder": "torch"})).encode(TEXTS)
    onnx_vectors = get_encoder(settings.model_copy(update={"encoder": "onnx"})).encode(TEXTS)
    int8_vectors = get_encoder(settings.model_copy(update={"encoder": "onnx-int8"})).encode(TEXTS)
    assert onnx_vectors.shape == torch_vectors.shape == (3, 384)
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-5  # batch order and padding included
    assert np.allclose(np.linalg.norm(int8_vectors, axis=1), 1, atol=1e-5)
    assert (int8_vectors * torch_vectors).sum(axis=1).min() > 0.95  # quantized: close, not equal


def test_openvino_gives_the_same_models_vectors(settings):
    torch_vectors = get_encoder(settings.model_copy(update={"encoder": "torch"})).encode(TEXTS)
    encoder = get_encoder(settings.model_copy(update={"encoder": "openvino"}))
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert (vectors * torch_vectors).sum(axis=1).min() > 0.99  # bfloat16 where the CPU has it
    assert encoder.precision in ("bf16", "f32")
    assert settings.model_copy(update={"encoder": "openvino"}).embedding_id == "all-MiniLM-L6-v2+openvino"


def test_openvino_bulk_path_gives_the_questions_vectors(settings):
    """Passages in bulk go through the throughput-compiled model and its async queue, questions
    through the latency one: a passage must get the same vector either way, in input order."""
    encoder = get_encoder(settings.model_copy(update={"encoder": "openvino"}))
    texts = [f"Item {i}: the port of Valmora reopened after repairs. " * (1 + i % 5) for i in range(40)]
    bulk = encoder.encode(texts)
    assert len(texts) > encoder.batch_size and encoder._bulk is not None  # the bulk path ran
    single = np.stack([encoder.encode_one(t) for t in texts])
    assert bulk.shape == (40, 384)
    assert (bulk * single).sum(axis=1).min() > 0.999


def test_settings_name_the_vectors(settings):
    assert settings.embedding_id == "all-MiniLM-L6-v2+openvino"  # the default encoder
    assert settings.model_copy(update={"encoder": "onnx"}).embedding_id == "all-MiniLM-L6-v2"
    assert settings.model_copy(update={"encoder": "torch"}).embedding_id == "all-MiniLM-L6-v2"
    assert settings.model_copy(update={"encoder": "onnx-int8"}).embedding_id == "all-MiniLM-L6-v2+onnx-int8-v2"
    with pytest.raises(NewsbotError, match="unknown encoder 'gpu'"):
        get_encoder(settings.model_copy(update={"encoder": "gpu"}))
