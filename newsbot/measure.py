"""The command line's measuring commands: `newsbot eval`, `eval-quotes`, `train-selector`,
`train-gate` and `train-order`. Each passes its arguments on to the module that measures
(retrieval/evaluation) or trains (retrieval/selector/train.py, retrieval/answerability/train.py,
retrieval/ordering/train.py): `--help` is theirs."""

from __future__ import annotations

import importlib
import sys

import click

UNPROCESSED = {"ignore_unknown_options": True}


def _passthrough(name: str, module: str, summary: str) -> click.Command:
    @click.command(name, context_settings=UNPROCESSED, help=summary)
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        sys.exit(importlib.import_module(module).main(list(args)))

    return command


COMMANDS = [
    _passthrough("eval", "retrieval.evaluation.answers",
                 "Answer quality on a QA pack: eval PACK_DIR [-k 1,3,5] [--baselines] [--unanswerable OTHER_PACK]."),
    _passthrough("eval-quotes", "retrieval.evaluation.attribution",
                 "Who-said-what quality on a PolNeAR pack: eval-quotes PACK_DIR [--extract-only]."),
    _passthrough("train-selector", "retrieval.selector.train",
                 "Train a candidate answer-sentence selector (never on the reported pack): train-selector PACK_DIR..."),
    _passthrough("train-gate", "retrieval.answerability.train",
                 "Train the answerability gate: train-gate CORPUS_PACK --unanswerable OTHER_PACK..."),
    _passthrough("train-order", "retrieval.ordering.train",
                 "Train the first citations' order (never on the reported pack): train-order PACK_DIR..."),
]
