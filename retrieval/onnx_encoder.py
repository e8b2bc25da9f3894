"""The same model on ONNX Runtime: exported once from the packaged weights (nothing is
downloaded) into the data directory, optionally quantized to int8, then run with the model's
own tokenizer and mean pooling, as sentence-transformers does.

ONNX Runtime loads in a fraction of a second and answers a single question several times
faster than PyTorch on 2 cores (measured in bench/embed.py).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from .embeddings import Encoder, offline, resolve_model_path
from .errors import NewsbotError
from .files import fsync_file

log = logging.getLogger(__name__)


def model_inputs(model) -> list[str]:
    """The inputs the transformer takes, in the order of its forward(): BERT-style models take
    token_type_ids, others (MPNet, RoBERTa-style models without segment ids) do not."""
    import inspect

    accepted = inspect.signature(model.forward).parameters
    return [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in accepted]


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export the transformer (token embeddings out) with dynamic batch and length, taking the
    inputs its forward() accepts."""
    offline()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir))
    model.eval()
    names = model_inputs(model)

    class Hidden(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs))).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    examples = tuple(torch.zeros_like(ids) if name == "token_type_ids" else ids for name in names)
    axes = {0: "batch", 1: "tokens"}
    tmp = target.with_suffix(".tmp")
    with warnings.catch_warnings():
        # The tracer warns about shape checks that are constant for these encoders (no padding
        # offset, never causal); the exported vectors equal PyTorch's (checked in the tests).
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(model), examples, str(tmp),
            input_names=names, output_names=["hidden"],
            dynamic_axes={**{name: axes for name in names}, "hidden": axes},
            opset_version=17, dynamo=False,
        )
    fsync_file(tmp)
    os.replace(tmp, target)


def pooling_mode(model_dir: Path) -> str:
    """How the model turns token embeddings into one vector, as its sentence-transformers
    configuration says: "mean" (all-MiniLM, all-mpnet) or "cls" (BGE and the like). No
    configuration means mean pooling, sentence-transformers' own default."""
    modules = model_dir / "modules.json"
    folder = "1_Pooling"
    if modules.is_file():
        for module in json.loads(modules.read_text()):
            if module.get("type", "").endswith("Pooling"):
                folder = module.get("path") or folder
    config = model_dir / folder / "config.json"
    if not config.is_file():
        return "mean"
    modes = json.loads(config.read_text())
    # sentence-transformers 5 writes one "pooling_mode"; earlier versions one flag per mode.
    named = modes.get("pooling_mode")
    if named in ("mean", "cls"):
        return named
    if named is None and modes.get("pooling_mode_cls_token"):
        return "cls"
    if named is None and modes.get("pooling_mode_mean_tokens", True):
        return "mean"
    raise NewsbotError(f"the model in {model_dir} pools by a mode newsbot's ONNX encoders do not run: use NEWSBOT_ENCODER=torch")


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization of the weight matmuls, chosen by measurement (bench/embed.py):
    per-channel weights, and the feed-forward down-projections (weight taller than wide) left in
    fp32, because their inputs (after GELU) have outliers that per-tensor uint8 activations
    flatten. Quantizing every matmul, per tensor, moved a question's top 10 too far (agreement
    0.72 on this CPU); this keeps it at about 0.9 and most of the speed."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    shapes = {init.name: tuple(init.dims) for init in graph.initializer}
    down = [
        node.name for node in graph.node
        if node.op_type == "MatMul" and len(shapes.get(node.input[1], ())) == 2
        and shapes[node.input[1]][0] > shapes[node.input[1]][1]
    ]
    tmp = target.with_suffix(".tmp")
    logging.getLogger().disabled = True  # onnxruntime's advice to pre-process goes to the root logger
    try:
        quantize_dynamic(
            str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul"], nodes_to_exclude=down,
            extra_options={"MatMulConstBOnly": True},
        )
    finally:
        logging.getLogger().disabled = False
    os.replace(tmp, target)


class OnnxEncoder(Encoder):
    def __init__(self, name: str, cache_dir: Path, quantized: bool = False, batch_size: int = 32) -> None:
        self.name = name
        self.cache_dir = cache_dir
        self.quantized = quantized
        self.batch_size = batch_size
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _open(self, path: Path):
        """The runtime's session for the exported model. Each runtime's _open also sets
        `_inputs`, the names the exported graph takes: _batches sends token_type_ids only
        when it is one of them (exports made before this version all take it)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in session.get_inputs()}
        return session

    def _run(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        """Token embeddings of one padded batch."""
        return self._session.run(None, inputs)[0]

    def _load(self) -> None:
        offline()
        from tokenizers import Tokenizer

        model_dir = resolve_model_path(self.name)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        stem = Path(self.name).name.replace("/", "_")
        fp32 = self.cache_dir / f"{stem}.onnx"
        if not fp32.exists():
            log.info("exporting %s to ONNX (once)", self.name)
            export_onnx(model_dir, fp32)
        path = fp32
        if self.quantized:
            path = self.cache_dir / f"{stem}.int8-v2.onnx"  # v2: the recipe in quantize()
            if not path.exists():
                quantize(fp32, path)
        self._dimension = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])
        self._pooling = pooling_mode(model_dir)
        self._session = self._open(path)
        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=int(config.get("max_seq_length", 256)))
        # Lengths padded to a multiple of 16 tokens: OpenVINO keeps memory for every input shape
        # it has run, and 16 shapes rather than 256 bound it (bench/README.md, "Memory"); the
        # mask keeps the padding out of the vectors.
        tokenizer.enable_padding(pad_to_multiple_of=16)
        self._tokenizer = tokenizer

    @property
    def dimension(self) -> int:
        self._ensure_loaded()
        return self._dimension

    def _ensure_loaded(self) -> None:
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._load()

    def _batches(self, texts: list[str], size: int):
        """(positions, model inputs, attention mask) per batch, texts sorted by length so that a
        batch pads little."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), size):
            positions = order[start : start + size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in positions])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            inputs = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                inputs["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
            yield positions, inputs, mask

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The model's own pooling (the mean of the token embeddings under the mask, or the
        first token's), normalized, as sentence-transformers computes it."""
        if self._pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str]) -> np.ndarray:
        self._ensure_loaded()
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for positions, inputs, mask in self._batches(texts, self.batch_size):
            out[positions] = self._pool(self._run(inputs), mask)
        return out


class OpenVinoEncoder(OnnxEncoder):
    """The same exported ONNX model compiled by OpenVINO, in bfloat16 where the CPU computes it
    natively (AVX-512 BF16 or AMX) and float32 elsewhere.

    It is compiled twice, for two jobs: once for latency (all cores on one request: a question
    in a few milliseconds) and, on the first bulk call, once for throughput (one stream per core,
    small batches kept in flight by an async queue). Measured (bench/README.md): the throughput
    path embeds passages about 1.3 times as fast as the latency one, 4 times PyTorch's rate in
    bench/embed.py and about 3 times end to end in `newsbot add`, with the same top-10 passages
    for 99% of questions."""

    #: Texts in one request of the bulk path: small batches pad least (measured 4 to 8 best).
    BULK_BATCH = 4

    def __init__(self, name: str, cache_dir: Path, batch_size: int = 32) -> None:
        # Batches of 16 were measured faster than 32 or 64 with OpenVINO (bench/README.md).
        super().__init__(name, cache_dir, quantized=False, batch_size=min(batch_size, 16))
        self.precision = "f32"
        self._request_lock = threading.Lock()
        self._bulk_lock = threading.Lock()
        self._path: Path | None = None
        self._model = None  # the model as read, until its first compile
        self._read_lock = threading.Lock()
        self._latency = None
        self._bulk = None

    def _compile(self, config: dict):
        import openvino as ov

        core = ov.Core()
        capabilities = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        self.precision = "bf16" if "BF16" in capabilities else "f32"
        # The read model is let go once compiled (the compiled one holds its own weights); a
        # second compile, for the other job (from another thread, maybe), reads the file again.
        with self._read_lock:
            model, self._model = self._model, None
        if model is None:
            model = core.read_model(str(self._path))
        return core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": self.precision, **config})

    def _open(self, path: Path) -> Path:
        """The model is read here, for its input names; each compiled model is made on its
        first use: an ingest run never compiles the latency one, a bot that only answers never
        the throughput one."""
        import openvino as ov

        self._path = path
        self._model = ov.Core().read_model(str(path))
        self._inputs = {i.get_any_name() for i in self._model.inputs}
        return path

    def _run(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        with self._request_lock:  # one infer request: not to be shared by threads at once
            if self._latency is None:
                config = {"INFERENCE_NUM_THREADS": os.cpu_count() or 1, "PERFORMANCE_HINT": "LATENCY"}
                self._latency = self._compile(config).create_infer_request()
            return np.array(self._latency.infer(inputs)[0], dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) <= self.batch_size:
            return super().encode(texts)  # a question or a few: the latency model
        self._ensure_loaded()
        import openvino as ov

        with self._bulk_lock:  # one bulk job at a time; questions still go through meanwhile
            if self._bulk is None:
                self._bulk = self._compile({"PERFORMANCE_HINT": "THROUGHPUT"})
            streams = int(self._bulk.get_property("NUM_STREAMS"))
            out = np.zeros((len(texts), self._dimension), dtype=np.float32)

            def done(request, userdata) -> None:
                positions, mask = userdata
                out[positions] = self._pool(np.array(request.get_output_tensor(0).data, dtype=np.float32), mask)

            queue = ov.AsyncInferQueue(self._bulk, 2 * streams)  # the next batch waits, ready
            queue.set_callback(done)
            for positions, inputs, mask in self._batches(texts, self.BULK_BATCH):
                queue.start_async(inputs, (positions, mask))
            queue.wait_all()
        if not out.any(axis=1).all():  # a callback that failed leaves its rows zero: never index them
            raise RuntimeError("OpenVINO bulk embedding left passages without a vector")
        return out
