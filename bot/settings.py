"""Bot settings: the engine's, plus what Telegram needs (token, API address, admins, limits)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from typing import Annotated

from pydantic_settings import NoDecode, SettingsConfigDict

from retrieval.settings import EngineSettings


class BotSettings(EngineSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    telegram_bot_token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(
        None,
        validation_alias="TELEGRAM_API_BASE_URL",
        description="Given to PTB's base_url as written (PTB appends the token).",
    )
    telegram_read_timeout_s: float = Field(
        5.0, description="How long to wait for the Bot API's answer (added to the long-poll time for getUpdates)."
    )
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(frozenset(), validation_alias="ADMIN_USER_IDS")
    context_ttl_s: float = Field(1800.0, description="Forget a conversation after this many idle seconds.")
    flood_max: int = Field(8, description="Questions a user may ask per flood window.")
    flood_window_s: float = Field(60.0, description="Length of the flood window in seconds.")
    flood_message: str = "You are asking faster than I can read. Please wait a moment and try again."
    max_upload_bytes: int = Field(20_000_000, description="Largest document /add accepts.")
    messages_per_second: int = Field(
        30, description="Messages the bot sends a second at most, over all chats (Telegram's limit is "
        "about 30); more questions a second than this queue.",
    )
    answer_deadline_s: float = Field(
        120.0, description="An answer that cannot be sent within this many seconds of its question (a busy "
        "group at Telegram's limit) is replaced by a short apology.",
    )

    channels: str = Field(
        "", description="The newsroom's channels whose posts become articles (ids or @usernames, comma-separated; "
        "the bot must be an admin there).",
    )

    @property
    def channel_refs(self) -> frozenset[str]:
        """The channels as ids ("-100123") and usernames without "@", lower case."""
        return frozenset(c.strip().lstrip("@").lower() for c in self.channels.split(",") if c.strip())

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(x) for x in value.replace(" ", "").split(",") if x)
        if isinstance(value, int):
            return frozenset({value})
        return value
