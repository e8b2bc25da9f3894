"""The `newsbot` command line, driven through click's runner on a data directory per test."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsbot.cli import cli

from .conftest import SEED_URL


def run(data_dir, *args, input=None):
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], obj={}, input=input, catch_exceptions=False)
    return result


def test_ask_json_cites_the_seed(tmp_path):
    result = run(tmp_path / "d", "ask", "what did Lukyanova say?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == "what did Lukyanova say?" and data["no_answer"] is False
    top = data["citations"][0]
    assert top["url"] == SEED_URL
    start, end = top["highlights"][0]
    assert "Either the party will reform" in top["excerpt"][start:end]
    assert "indexing the default corpus" in result.stderr


def test_ask_jsonl_with_ids_and_dates(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "how many delegates attended?"}) + "\n"
        + json.dumps({"id": 7, "question": "how many delegates attended?", "date": "2011-01-01"}) + "\n"
    )
    result = run(tmp_path / "d", "ask", "--jsonl", str(questions), "-k", "2")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert "150 delegates" in lines[0]["citations"][0]["excerpt"]
    assert lines[1]["no_answer"] is True  # the article was published after the asking date


def test_add_summary_exit_status_and_stats(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Harbour festival draws crowds\nThousands visited the harbour festival on Sunday to watch the tall ships parade.")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "t"}\n')
    result = run(tmp_path / "d", "add", str(good), str(bad))
    assert result.exit_code == 1
    assert "added 1, updated 0, skipped 0, failed 1" in result.stdout
    assert "line 1: missing 'text'" in result.stderr
    stats = json.loads(run(tmp_path / "d", "stats", "--json").stdout)
    assert stats["articles"] == 2 and stats["passages"] == stats["vectors"] > 0
    again = run(tmp_path / "d", "add", str(good))
    assert again.exit_code == 0 and "skipped 1" in again.stdout


def test_list_remove_reindex(tmp_path):
    listing = json.loads(run(tmp_path / "d", "list", "--json").stdout)
    assert listing[0]["url"] == SEED_URL and listing[0]["passages"] > 0
    assert run(tmp_path / "d", "reindex").stdout.startswith("reindexed 1 articles")
    removed = run(tmp_path / "d", "remove", listing[0]["article_id"])
    assert "removed" in removed.stdout
    missing = run(tmp_path / "d", "remove", "nope")
    assert missing.exit_code == 1 and "no article with id or URL 'nope'" in missing.output
    assert json.loads(run(tmp_path / "d", "stats", "--json").stdout)["articles"] == 0


def test_chat_follow_up_and_new(tmp_path):
    result = run(tmp_path / "d", "chat", input="what did Lukyanova say?\nwhich article did she quote?\n/new\n/quit\n")
    assert result.exit_code == 0
    assert result.stdout.count("Gudkov Calls for Leftist Groups") >= 2
    assert "The Left Turn" in result.stdout
    assert "Conversation forgotten." in result.stderr
