"""A trained tagger (learn.py's checkpoint: the encoder, head.pt, tokenizer.json) exported to the
form newsbot runs: one ONNX graph from token ids to tag logits, its weights quantized to int8
so that it ships inside the package (about 23 MB; the fp32 checkpoint is 90 MB), run by ONNX
Runtime without PyTorch.

`python -m retrieval.attribution.export CHECKPOINT OUT [--fp32]`
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import warnings
from pathlib import Path

from ..files import fsync_file

#: The file of the graph inside a tagger's folder.
GRAPH = "model.onnx"


def export(checkpoint: Path, target: Path, quantized: bool = True) -> Path:
    """Write `target`/model.onnx (inputs input_ids and attention_mask, output logits per token)
    and the tokenizer beside it; returns the folder."""
    import torch
    from transformers import AutoModel

    from ..embeddings import offline

    offline()
    encoder = AutoModel.from_pretrained(str(checkpoint)).eval()
    state = torch.load(checkpoint / "head.pt")
    head = torch.nn.Linear(encoder.config.hidden_size, state["weight"].shape[0])  # one output per tag
    head.load_state_dict(state)
    head.eval()

    class Tags(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.head = encoder, head

        def forward(self, input_ids, attention_mask):
            return self.head(self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)

    target.mkdir(parents=True, exist_ok=True)
    fp32 = target / "fp32.onnx.tmp"
    ids = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shape checks constant here
        torch.onnx.export(
            Tags(), (ids, ids), str(fp32), input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes}, opset_version=17, dynamo=False,
        )
    graph = target / GRAPH
    if quantized:
        _quantize(fp32, graph)
        fp32.unlink()
    else:
        os.replace(fp32, graph)
    fsync_file(graph)
    shutil.copy(checkpoint / "tokenizer.json", target / "tokenizer.json")
    return target


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantization, per channel, of every weight matmul and of the token embedding
    table (a Gather): the table is half the model's weights, and the tags are read off the
    argmax, which int8 weights barely move (measured in MODEL.md)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp")
    logging.getLogger().disabled = True  # onnxruntime's advice to pre-process goes to the root logger
    try:
        quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gather"], extra_options={"MatMulConstBOnly": True})
    finally:
        logging.getLogger().disabled = False
    os.replace(tmp, target)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, help="a folder `python -m retrieval.attribution.learn --out` wrote")
    parser.add_argument("out", type=Path)
    parser.add_argument("--fp32", action="store_true", help="keep the weights in fp32 (to measure what int8 costs)")
    args = parser.parse_args(argv)
    folder = export(args.checkpoint, args.out, quantized=not args.fp32)
    print(f"{folder / GRAPH}: {(folder / GRAPH).stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
