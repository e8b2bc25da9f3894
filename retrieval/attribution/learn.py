"""A learned attribution tagger, measured beside the rules: `python -m retrieval.attribution.learn`.

The packaged MiniLM encoder with a token-classification head (BIO tags for an attribution's
source and content) is fine-tuned on PolNeAR's training articles, over windows of the article
with paragraph context. Seeded; the number of articles and epochs are options, so that a brief
run measures first. `--out` gets the checkpoint and the tagger newsbot runs (export.py), which is
then measured as `newsbot eval-quotes --extract-only` measures it, beside the rules: on the
held-out training articles (`--holdout`, where its decoding is chosen) and on polnear-dev (where
it is reported). The shipped one's command and results are in model/MODEL.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

from .tagger import LABELS, STRIDE, WINDOW


def load(pack: Path, limit: int | None = None, holdout: int = 0) -> list[tuple[str, list[dict]]]:
    """(text, annotations) of the pack's articles in id order: the first `limit`, or all but the
    last `holdout` (kept out of training, to tune the decoding on without touching dev)."""
    from ..evaluation.attribution import read_pack

    articles, rows = read_pack(pack)
    gold: dict[str, list[dict]] = {}
    for row in rows:
        gold.setdefault(row["article"], []).append(row)
    ids = sorted(articles)[:limit] if limit else sorted(articles)
    ids = ids[: len(ids) - holdout] if holdout else ids
    return [(articles[i]["text"], gold.get(i, [])) for i in ids]


def char_labels(text: str, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per character: the label kind (0 none, 1 source, 2 content) and which span it belongs to."""
    kind = np.zeros(len(text), dtype=np.int8)
    span = np.full(len(text), -1, dtype=np.int32)
    n = 0
    for row in rows:
        for key, k in (("content_spans", 2), ("source_spans", 1)):  # a source inside a content wins
            for a, b in row.get(key) or []:
                kind[a:b], span[a:b] = k, n
                n += 1
    return kind, span


def windows(tokenizer, text: str, rows: list[dict]):
    """(input ids, labels, token offsets) of each window of the article."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    kind, span = char_labels(text, rows)
    labels, prev = [], (-1, -1)
    for start, end in enc.offsets:
        k, s = (int(kind[start]), int(span[start])) if start < len(text) else (0, -1)
        if k == 0:
            labels.append(0)
        else:
            labels.append((1 if k == 1 else 3) + (1 if (k, s) == prev else 0))
        prev = (k, s)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    for first in range(0, max(1, len(enc.ids)), STRIDE):
        ids = enc.ids[first : first + WINDOW]
        yield [cls, *ids, sep], [-100, *labels[first : first + WINDOW], -100], enc.offsets[first : first + WINDOW], first
        if first + WINDOW >= len(enc.ids):
            break


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=Path("../shared/eval/polnear-train"))
    parser.add_argument("--dev", type=Path, default=Path("../shared/eval/polnear-dev"))
    parser.add_argument("--articles", type=int, default=None, help="train on the first N articles only")
    parser.add_argument("--holdout", type=int, default=0, help="leave the last N training articles out")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--decay", action="store_true",
                        help="warm the learning rate up over the first tenth of the steps, then let it fall linearly to 0")
    parser.add_argument("--out", type=Path, required=True, help="save the trained tagger here: its checkpoint, and the "
                        "int8 ONNX graph newsbot runs (copy model.onnx and tokenizer.json into retrieval/attribution/model/ to ship it)")
    args = parser.parse_args(argv)

    import torch
    from tokenizers import Tokenizer
    from tqdm import tqdm
    from transformers import AutoModel

    from ..embeddings import offline, resolve_model_path
    from ..settings import DEFAULT_MODEL

    offline()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    model_dir = resolve_model_path(DEFAULT_MODEL)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    encoder = AutoModel.from_pretrained(str(model_dir))
    head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))
    params = list(encoder.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)

    train = [w for text, rows in load(args.train, args.articles, args.holdout) for w in windows(tokenizer, text, rows)]
    random.shuffle(train)
    steps = int(len(train) * args.epochs / args.batch)
    print(f"{len(train)} windows, {steps} steps of {args.batch}", file=sys.stderr)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, (lambda s: min((s + 1) / warmup, (steps - s) / max(1, steps - warmup))) if args.decay else (lambda s: 1.0))
    encoder.train()
    started = time.perf_counter()
    for step in tqdm(range(steps), file=sys.stderr):
        batch = [train[(step * args.batch + i) % len(train)] for i in range(args.batch)]
        width = max(len(b[0]) for b in batch)
        ids = torch.tensor([b[0] + [0] * (width - len(b[0])) for b in batch])
        mask = torch.tensor([[1] * len(b[0]) + [0] * (width - len(b[0])) for b in batch])
        labels = torch.tensor([b[1] + [-100] * (width - len(b[1])) for b in batch])
        logits = head(encoder(input_ids=ids, attention_mask=mask).last_hidden_state)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, len(LABELS)), labels.view(-1), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
    trained_s = time.perf_counter() - started
    import shutil

    from ..evaluation.attribution import compare
    from .export import export

    checkpoint = args.out / "checkpoint"
    checkpoint.mkdir(parents=True, exist_ok=True)
    encoder.save_pretrained(str(checkpoint))
    torch.save(head.state_dict(), checkpoint / "head.pt")
    shutil.copy(model_dir / "tokenizer.json", checkpoint / "tokenizer.json")
    export(checkpoint, args.out)  # the int8 ONNX tagger newsbot runs, beside its checkpoint
    print(f"trained on {len(train)} windows in {trained_s:.0f} s; the tagger is in {args.out}")
    if args.holdout and not args.articles:  # where a decoding is chosen (`--last` is of the whole pack)
        print(f"\n{args.train.name}, its last {args.holdout} articles (held out):\n")
        print(compare(args.train, args.out, last=args.holdout))
    print(f"\n{args.dev.name}:\n")
    print(compare(args.dev, args.out))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
