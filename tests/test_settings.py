"""Settings: read from the environment and .env; every problem named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_fixtures import SIGNING_SECRET
from slack_standin import SlackStandIn

from bot.settings import DEFAULT_SLACK_API_URL, ENV_NAMES, Settings
from bot.slack.app import create_app, runtime_of
from bot.slack.channels import ChannelResolutionError
from bot.state import MemoryState

GOOD_HTTP = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": SIGNING_SECRET}


def test_defaults() -> None:
    settings = Settings.from_env({}, dotenv=False)
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL
    assert settings.smtpbot_flood_window == 600
    assert settings.smtpbot_show_addresses is False and settings.smtpbot_log_text is False
    assert settings.smtpbot_log_level == "INFO"
    assert settings.port is None and settings.http_port == 3000
    assert settings.smtpbot_data_dir == "./data"
    assert settings.redis_url is None and settings.database_url is None
    assert settings.problems == ()


def test_every_setting_is_read() -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "abc",
        "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "s3cr3t",
        "SLACK_API_URL": "http://127.0.0.1:9/api",
        "SMTPBOT_ALERT_CHANNELS": " C0ALERTS01, #mail-alerts ,,",
        "SMTPBOT_SHOW_ADDRESSES": "yes",
        "SMTPBOT_FLOOD_WINDOW": "120",
        "SMTPBOT_KNOWLEDGE_DIR": "/tmp",
        "SMTPBOT_CACHE_DIR": "off",
        "SMTPBOT_LOG_TEXT": "TRUE",
        "SMTPBOT_LOG_LEVEL": "debug",
        "DATABASE_URL": "postgresql://u:p@h/db",
        "REDIS_URL": "redis://h:6379/0",
        "PORT": "8080",
        "SMTPBOT_DATA_DIR": "/var/lib/smtpbot",
        "SMTPBOT_DNS_SERVERS": "127.0.0.1:53",
        "SMTPBOT_DNSBL_ZONES": "bl.test",
        "SMTPBOT_SPAMHAUS_DQS_KEY": "k3y",
        "SMTPBOT_DIAGNOSE": "dns",
    }
    assert set(env) == set(ENV_NAMES)
    s = Settings.from_env(env, dotenv=False)
    assert s.smtpbot_alert_channels == ("C0ALERTS01", "#mail-alerts")
    assert s.alert_channel_ids == {"C0ALERTS01"} and s.alert_channel_names == ("#mail-alerts",)
    assert s.smtpbot_show_addresses and s.smtpbot_log_text and s.smtpbot_log_level == "DEBUG"
    assert (s.smtpbot_flood_window, s.port, s.http_port) == (120, 8080, 8080)
    assert s.api_url == "http://127.0.0.1:9/api/"
    assert s.oauth_enabled and s.socket_mode_available
    assert set(s.secrets()) == {"xoxb-1", "abc", "xapp-1", "s3cr3t", "k3y"}


def test_dotenv_fills_in_what_the_environment_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nSMTPBOT_FLOOD_WINDOW=30\n")
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({"SMTPBOT_FLOOD_WINDOW": "45"})
    assert s.slack_bot_token == "xoxb-from-dotenv"
    assert s.smtpbot_flood_window == 45  # the environment wins
    assert Settings.from_env({}, dotenv=False).slack_bot_token is None


def test_a_good_http_configuration_has_no_problems() -> None:
    assert Settings.from_env(GOOD_HTTP, dotenv=False).validate_for_serve() == []


def test_a_good_socket_mode_configuration_needs_no_signing_secret() -> None:
    s = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A-1"}, dotenv=False)
    assert s.validate_for_serve() == []
    assert any("SLACK_SIGNING_SECRET" in p for p in s.validate_for_serve(http=True))


def test_nothing_configured_names_each_missing_setting() -> None:
    problems = Settings.from_env({}, dotenv=False).validate_for_serve()
    joined = "\n".join(problems)
    assert "SLACK_BOT_TOKEN is missing" in joined and "SLACK_SIGNING_SECRET is missing" in joined
    assert "SLACK_APP_TOKEN" in joined  # Socket Mode, the other way to connect, is named too
    assert len(problems) == 2
    forced_http = "\n".join(Settings.from_env({}, dotenv=False).validate_for_serve(http=True))
    assert "SLACK_SIGNING_SECRET is missing" in forced_http and "SLACK_APP_TOKEN" not in forced_http


def test_malformed_settings_are_each_named_with_a_fix() -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxp-user-token",
        "SLACK_SIGNING_SECRET": "short",
        "SLACK_CLIENT_ID": "123.456",
        "SLACK_API_URL": "slack.com/api",
        "SMTPBOT_ALERT_CHANNELS": "C0ALERTS01,general,#ok-name",
        "SMTPBOT_SHOW_ADDRESSES": "perhaps",
        "SMTPBOT_FLOOD_WINDOW": "ten minutes",
        "SMTPBOT_LOG_LEVEL": "LOUD",
        "PORT": "99999",
        "REDIS_URL": "localhost:6379",
        "DATABASE_URL": "not a url",
        "SMTPBOT_KNOWLEDGE_DIR": "/no/such/folder",
    }
    problems = Settings.from_env(env, dotenv=False).validate_for_serve()
    for name in [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_SECRET",
        "SLACK_API_URL",
        "'general'",
        "SMTPBOT_SHOW_ADDRESSES",
        "SMTPBOT_FLOOD_WINDOW",
        "SMTPBOT_LOG_LEVEL",
        "PORT",
        "REDIS_URL",
        "DATABASE_URL",
        "SMTPBOT_KNOWLEDGE_DIR",
    ]:
        assert sum(name in p for p in problems) >= 1, (name, problems)
    assert not any("#ok-name" in p for p in problems)
    assert len(problems) == 12


def test_wrong_kind_of_app_token() -> None:
    s = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-oops"}, dotenv=False)
    assert any("SLACK_APP_TOKEN does not start with xapp-" in p for p in s.validate_for_serve())


def test_oauth_mode_replaces_the_bot_token_but_needs_http() -> None:
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    assert Settings.from_env(env, dotenv=False).validate_for_serve(http=True) == []
    socket = Settings.from_env({**env, "SLACK_APP_TOKEN": "xapp-1"}, dotenv=False).validate_for_serve()
    assert any("--http" in p for p in socket)


# --- alert channel names ----------------------------------------------------------------------------


def names_settings(standin: SlackStandIn, *channels: str) -> Settings:
    return Settings(
        slack_bot_token=standin.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        smtpbot_alert_channels=channels,
    )


CHANNELS = [
    {"id": "C0MAILALRT", "name": "mail-alerts"},
    {"id": "C0OTHER001", "name": "random"},
    {"id": "G0PRIVATE1", "name": "postmaster", "is_private": True},
]


def test_alert_channel_names_are_resolved_at_start_up(standin: SlackStandIn, engine) -> None:
    standin.channels = CHANNELS
    standin.scopes |= {"channels:read", "groups:read"}  # the extra scopes names need
    app = create_app(
        names_settings(standin, "C0ALERTS01", "#mail-alerts", "#Postmaster"), engine, MemoryState()
    )
    assert runtime_of(app).alert_channels == {"C0ALERTS01", "C0MAILALRT", "G0PRIVATE1"}
    runtime_of(app).stop(1)


def test_names_without_the_extra_scope_stop_start_up_saying_which_scope(
    standin: SlackStandIn, engine
) -> None:
    standin.channels = CHANNELS  # the manifest's scopes: no channels:read
    with pytest.raises(ChannelResolutionError) as caught:
        create_app(names_settings(standin, "#mail-alerts"), engine, MemoryState())
    (problem,) = caught.value.problems
    assert problem.startswith("SMTPBOT_ALERT_CHANNELS")
    for words in ("#mail-alerts", "channels:read", "groups:read", "reinstall", "channel IDs"):
        assert words in problem, problem


def test_names_of_private_channels_need_groups_read(standin: SlackStandIn, engine) -> None:
    standin.channels = CHANNELS
    standin.scopes |= {"channels:read"}
    settings = names_settings(standin, "#mail-alerts")
    app = create_app(settings, engine, MemoryState())  # public names work with channels:read alone
    assert runtime_of(app).alert_channels == {"C0MAILALRT"}
    runtime_of(app).stop(1)
    with pytest.raises(ChannelResolutionError) as caught:
        create_app(names_settings(standin, "#mail-alerts", "#postmaster"), engine, MemoryState())
    (problem,) = caught.value.problems
    assert "no channel named #postmaster" in problem and "groups:read" in problem


@pytest.mark.parametrize(
    ("error", "expected"), [(None, "no channel named #nowhere"), ("ratelimited", "ratelimited")]
)
def test_unresolvable_alert_channel_names_stop_start_up_with_a_clear_message(
    standin: SlackStandIn, engine, error: str | None, expected: str
) -> None:
    standin.scopes |= {"channels:read", "groups:read"}
    standin.channels_error = error
    with pytest.raises(ChannelResolutionError) as caught:
        create_app(names_settings(standin, "#nowhere"), engine, MemoryState())
    assert expected in caught.value.problems[0]
    assert "SMTPBOT_ALERT_CHANNELS" in caught.value.problems[0]


# --- the files that describe the app to Slack and to hosts ------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def test_env_example_lists_every_setting_and_reads_cleanly() -> None:
    from dotenv import dotenv_values

    values = dotenv_values(REPO / ".env.example")
    assert set(values) == set(ENV_NAMES)
    assert Settings.from_env({k: v or "" for k, v in values.items()}, dotenv=False).problems == ()


def test_manifest_declares_what_the_listeners_handle() -> None:
    import yaml

    from bot.slack.kinds.command import COMMAND
    from bot.slack.kinds.shortcut import EXPLAIN_SHORTCUT

    manifest = yaml.safe_load((REPO / "deploy" / "slack-manifest.yml").read_text())
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [("message", EXPLAIN_SHORTCUT)]
    assert features["app_home"]["home_tab_enabled"] is True
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
    }
    assert settings["interactivity"]["is_enabled"] is True
    for url in [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]:
        assert url.endswith("/slack/events")
    assert features["slash_commands"][0]["url"].endswith("/slack/events")


def test_procfile_runs_http_on_the_web_dyno_and_socket_mode_on_the_worker() -> None:
    processes = dict(
        line.split(":", 1) for line in (REPO / "Procfile").read_text().splitlines() if line.strip()
    )
    assert processes["web"].split() == ["smtpbot", "serve", "--http"]
    assert processes["worker"].split() == ["smtpbot", "serve"]
