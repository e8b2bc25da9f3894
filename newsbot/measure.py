"""The command line's measuring commands: `newsbot eval`, `eval-quotes` and `train-selector`.
They pass their arguments on to the modules that measure (retrieval/evaluation) and train
(retrieval/selector/train.py), each with its own --help."""

from __future__ import annotations

import sys

import click

UNPROCESSED = {"ignore_unknown_options": True}


@click.command("eval", context_settings=UNPROCESSED)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def eval_(args: tuple[str, ...]) -> None:
    """Answer quality on a QA pack: eval PACK_DIR [-k 1,3,5] [--baselines] [--unanswerable OTHER_PACK]."""
    from retrieval.evaluation import answers

    sys.exit(answers.main(list(args)))


@click.command("eval-quotes", context_settings=UNPROCESSED)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def eval_quotes(args: tuple[str, ...]) -> None:
    """Who-said-what quality on a PolNeAR pack: eval-quotes PACK_DIR [--extract-only]."""
    from retrieval.evaluation import attribution

    sys.exit(attribution.main(list(args)))


@click.command("train-selector", context_settings=UNPROCESSED)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def train_selector(args: tuple[str, ...]) -> None:
    """Train the answer-sentence selector on QA packs (never the reported one): train-selector PACK_DIR..."""
    from retrieval.selector import train

    sys.exit(train.main(list(args)))


COMMANDS = [eval_, eval_quotes, train_selector]
