"""The encoders behind NEWSBOT_ENCODER give the same model's vectors."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.encoders import get_encoder
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


@pytest.fixture(scope="module")
def mpnet_model(tmp_path_factory):
    """A tiny, randomly initialised MPNet saved as a sentence-transformers model, built here
    (nothing is downloaded): MPNet takes no token_type_ids, unlike the packaged BERT-style
    MiniLM. Each test saves it with the pooling it needs."""
    import torch
    from transformers import AutoTokenizer, MPNetConfig, MPNetModel

    from retrieval.embeddings import resolve_model_path

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(str(resolve_model_path("all-MiniLM-L6-v2")))
    config = MPNetConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, pad_token_id=tokenizer.pad_token_id)
    base = tmp_path_factory.mktemp("mpnet") / "transformer"
    MPNetModel(config).save_pretrained(str(base))
    tokenizer.save_pretrained(str(base))
    return base


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_onnx_encoders_run_models_without_segment_ids_and_with_their_own_pooling(settings, mpnet_model, pooling, tmp_path):
    """NEWSBOT_MODEL may name any sentence-transformers model: the ONNX export takes the
    inputs the model's forward() accepts, and the vectors are pooled as its configuration says."""
    from sentence_transformers import SentenceTransformer, models

    model_dir = tmp_path / f"mpnet-{pooling}"
    SentenceTransformer(modules=[models.Transformer(str(mpnet_model)), models.Pooling(32, pooling)], device="cpu").save(str(model_dir))
    chosen = settings.model_copy(update={"model": str(model_dir), "encoder_cache": tmp_path / "encoders"})
    reference = get_encoder(chosen.model_copy(update={"encoder": "torch"})).encode(TEXTS)
    onnx_vectors = get_encoder(chosen.model_copy(update={"encoder": "onnx"})).encode(TEXTS)
    openvino_vectors = get_encoder(chosen.model_copy(update={"encoder": "openvino"})).encode(TEXTS)
    assert onnx_vectors.shape == openvino_vectors.shape == (3, 32)
    assert np.abs(onnx_vectors - reference).max() < 1e-5
    assert (openvino_vectors * reference).sum(axis=1).min() > 0.99


def test_settings_name_the_vectors(settings):
    assert settings.embedding_id == "all-MiniLM-L6-v2+openvino"  # the default encoder
    assert settings.model_copy(update={"encoder": "onnx"}).embedding_id == "all-MiniLM-L6-v2"
    assert settings.model_copy(update={"encoder": "torch"}).embedding_id == "all-MiniLM-L6-v2"
    assert settings.model_copy(update={"encoder": "onnx-int8"}).embedding_id == "all-MiniLM-L6-v2+onnx-int8-v2"
    with pytest.raises(NewsbotError, match="unknown encoder 'gpu'"):
        get_encoder(settings.model_copy(update={"encoder": "gpu"}))


def test_a_pooling_the_onnx_encoders_do_not_run_is_refused_with_the_way_out(tmp_path):
    from retrieval.onnx_encoder import pooling_mode

    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode": "max"}')
    with pytest.raises(NewsbotError, match="NEWSBOT_ENCODER=torch"):
        pooling_mode(tmp_path)
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}')
    assert pooling_mode(tmp_path) == "cls"  # the flags of sentence-transformers before version 5
