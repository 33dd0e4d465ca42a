"""Credentials on every request to a store: ``--store-user NAME`` with the password from
``PPO_STORE_PASSWORD`` or a netrc file, HTTP Basic or Digest as the store asks, or a bearer token
from ``PPO_STORE_TOKEN``; never on the command line, never in a message.

Stand-ins (tests/standin.py) demand each scheme, checked by the server side written here from
the RFCs; a refused request's 401 echoes the ``Authorization`` header it got, as a careless store
might. Then Virtuoso's own Digest endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``) as
its ``dba``."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standin import Basic, Bearer, Digest, StandIn, standin

from ppo_graph.cli import build_parser, main
from ppo_graph.cli.common import open_graph
from ppo_graph.engine.auth import Credentials, challenges

USER = "alice"
PASSWORD = "pa55-w0rd-of-alice"
TOKEN = "t0ken-of-the-service-account"
GRAPH = "https://example.org/test/auth"
SECRETS = (PASSWORD, TOKEN, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())


@pytest.fixture(autouse=True)
def _no_credentials_around(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """None of the user's own: no variables, and a netrc file of the test's (empty)."""
    for name in ("PPO_STORE_PASSWORD", "PPO_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def no_secret(*texts: str, also: tuple[str, ...] = ()) -> None:
    for text in texts:
        for secret in (*SECRETS, *also):
            assert secret not in text, text


def answered_only_with_credentials(store: StandIn) -> None:
    """Nothing was answered but a challenge without credentials (each command learns the
    scheme from its first request's 401)."""
    assert store.log
    assert all(status == 401 for _, _, has, status in store.log if not has), store.log


def uses(store: StandIn, user: bool = True) -> list[str]:
    """The commands a user runs on a store that wants credentials: load, query, validate (its
    SHACL half on a Graph Store GET), each with the store options."""
    who = ["--store-user", USER] if user else []
    return [*who, "--store", store.base, "--graph", GRAPH]


def load_query_validate(
    capsys: pytest.CaptureFixture[str], store: StandIn, user: bool, validate: bool = True
) -> None:
    """``ppo load``, ``ppo query`` and (``validate``) ``ppo validate``, as on a store without
    credentials."""
    argv = uses(store, user)
    code, _, err = run(capsys, "load", *argv)
    assert code == 0, err
    assert store.graph_triples(GRAPH) > 1000
    here = run(capsys, "query", "role-duties", "--format", "json")
    there = run(capsys, "query", "role-duties", *argv, "--format", "json")
    assert there[0] == 0 and json.loads(there[1]) == json.loads(here[1]) != []
    if validate:
        code, out, err = run(capsys, "validate", *argv)
        assert code == 0 and out.startswith("Conforms"), err
        no_secret(err)


def test_basic(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPO_STORE_PASSWORD", PASSWORD)
    with standin(auth=Basic(USER, PASSWORD)) as store:
        load_query_validate(capsys, store, user=True)
        answered_only_with_credentials(store)
        methods = [(m, has, status) for m, _, has, status in store.log]
    # the large upload waited for the challenge on a HEAD, then went once, with credentials
    assert methods[:3] == [("HEAD", False, 401), ("HEAD", True, 404), ("PUT", True, 201)]
    assert [m for m, *_ in methods].count("PUT") == 1


def test_digest_md5_with_nonces_going_stale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PPO_STORE_PASSWORD", PASSWORD)
    digest = Digest(USER, PASSWORD, uses=2)
    with standin(auth=digest) as store:
        load_query_validate(capsys, store, user=True, validate=False)
        check = ["store", "check", store.base, "--store-user", USER, "--graph", GRAPH]
        check += ["--query", "roles", "--query", "role-duties", "--query", "stats-counts"]
        code, out, err = run(capsys, *check)
        answered_only_with_credentials(store)
        log = list(store.log)
    assert code == 0, out + err
    assert [m for m, *_ in log].count("PUT") == 1  # the body went once
    stale = [entry for entry in log if entry[2] and entry[3] == 401]
    assert len(stale) >= 2  # nonces went stale after 2 uses, and new ones were taken
    no_secret(out, err)


def test_bearer_token(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPO_STORE_TOKEN", TOKEN)
    with standin(auth=Bearer(TOKEN)) as store:
        load_query_validate(capsys, store, user=False, validate=False)
        assert all(has and status != 401 for _, _, has, status in store.log)  # sent at once
        assert any(m == "PUT" for m, *_ in store.log)


def test_password_from_netrc(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "netrc").write_text(
        f"machine other.example login {USER} password wrong\n"
        f"machine 127.0.0.1 login {USER} password {PASSWORD}\n",
        encoding="utf-8",
    )
    (tmp_path / "netrc").chmod(0o600)
    with standin(auth=Basic(USER, PASSWORD)) as store:
        code, _, err = run(capsys, "load", *uses(store))
        assert code == 0, err


@pytest.mark.parametrize(
    ("auth", "variable", "refused"),
    [
        (Basic(USER, PASSWORD), ("PPO_STORE_PASSWORD", "not-" + PASSWORD), "user 'alice'"),
        (Digest(USER, PASSWORD), ("PPO_STORE_PASSWORD", "not-" + PASSWORD), "user 'alice'"),
        (Bearer(TOKEN), ("PPO_STORE_TOKEN", TOKEN + "-expired"), "the bearer token"),
    ],
    ids=["basic", "digest", "bearer"],
)
def test_refused_credentials_exit_2_naming_the_url_not_the_secret(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    auth: Any,
    variable: tuple[str, str],
    refused: str,
) -> None:
    monkeypatch.setenv(*variable)
    wrong = (variable[1], base64.b64encode(f"{USER}:{variable[1]}".encode()).decode())
    who = ["--store-user", USER] if variable[0] == "PPO_STORE_PASSWORD" else []
    with standin(auth=auth) as store:
        for argv in (
            ["load", *uses(store, bool(who))],
            ["query", "roles", *uses(store, bool(who))],
            ["store", "check", store.base, *who, "--graph", GRAPH],
        ):
            code, out, err = run(capsys, *argv)
            assert code == 2, argv
            assert "answered 401 Unauthorized: it refused the credentials of " + refused in err
            assert store.base in err and "Traceback" not in err
            no_secret(out, err, also=wrong)  # the store's 401 page echoed them
        assert store.log and all(status == 401 for *_, status in store.log)


def test_a_store_that_echoes_the_header_in_an_error_is_scrubbed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store whose error page (any status but 401) repeats the request's Authorization
    header: the message shows the store's text with the secret replaced."""
    monkeypatch.setenv("PPO_STORE_PASSWORD", PASSWORD)
    with standin(auth=Basic(USER, PASSWORD)) as store:
        wrong = f"{store.base}/nothing-here"
        code, out, err = run(capsys, "query", "roles", *uses(store), "--query-url", wrong)
    assert code == 2
    assert f"{wrong} answered 404 Not Found: no such endpoint, Authorization: Basic ***" in err
    no_secret(out, err)


def test_missing_password_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "query", "roles", "--store", "http://127.0.0.1:9", "--store-user", USER
    )
    assert code == 2
    assert "PPO_STORE_PASSWORD" in err and str(tmp_path / "netrc") in err and "127.0.0.1" in err


def test_no_credentials_for_a_store_that_wants_them(capsys: pytest.CaptureFixture[str]) -> None:
    with standin(auth=Digest(USER, PASSWORD)) as store:
        code, _, err = run(capsys, "query", "roles", "--store", store.base)
    assert code == 2
    assert 'answered 401 Unauthorized (Digest realm "standin"): it wants credentials' in err
    assert "--store-user NAME" in err and "PPO_STORE_TOKEN" in err


def test_no_password_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:9"
    for argv in (["query", "roles", "--store", url], ["store", "check", url]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "put no user name or password in the store's URL" in err
        assert "http://127.0.0.1:9" in err
        no_secret(out, err)
    with pytest.raises(SystemExit):
        main(["query", "roles", "--store", "http://127.0.0.1:9", "--store-password", PASSWORD])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_help_shows_no_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PPO_STORE_PASSWORD", PASSWORD)
    monkeypatch.setenv("PPO_STORE_TOKEN", TOKEN)
    for command in (["load"], ["query", "roles"], ["validate"], ["serve"], ["store", "check"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        shown = capsys.readouterr().out
        assert "--store-user NAME" in shown and "PPO_STORE_PASSWORD" in shown
        no_secret(shown)


def test_credentials_never_show_in_a_repr() -> None:
    for creds in (Credentials(USER, PASSWORD), Credentials(token=TOKEN)):
        no_secret(repr(creds), str(creds))
    assert Credentials(USER, PASSWORD).scrub(f"x {PASSWORD} y") == "x *** y"
    assert Credentials(token=TOKEN).scrub(f"Bearer {TOKEN}") == "Bearer ***"


def test_challenges_are_read_as_rfc_7235_writes_them() -> None:
    found = challenges(
        [
            'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
            'Digest realm="SPARQL", nonce="a,b", qop="auth,auth-int", algorithm=MD5, stale=TRUE',
        ]
    )
    assert found == {
        "newauth": {"realm": "apps", "type": "1", "title": 'Login to "apps"'},
        "basic": {"realm": "simple"},
        "digest": {
            "realm": "SPARQL",
            "nonce": "a,b",
            "qop": "auth,auth-int",
            "algorithm": "MD5",
            "stale": "TRUE",
        },
    }


def test_serve_store_sends_the_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ppo serve --store URL --store-user NAME``: the graph its arguments open answers the
    endpoint's queries (in worker processes) and pages with the credentials."""
    from starlette.testclient import TestClient

    from ppo_graph.serve.app import create_app

    monkeypatch.setenv("PPO_STORE_PASSWORD", PASSWORD)
    with standin(auth=Digest(USER, PASSWORD)) as store:
        assert run(capsys, "load", *uses(store))[0] == 0
        args = build_parser().parse_args(["serve", *uses(store)])
        with TestClient(create_app(open_graph(args))) as client:
            answer = client.get("/queries/roles")
            assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) > 10
            assert client.get("/roles").status_code == 200
            health = client.get("/health").json()
        assert health["ok"] is True
        no_secret(json.dumps(health))


# Virtuoso's own authenticated endpoints (HTTP Digest), as its administrator.


@pytest.fixture(scope="module")
def virtuoso_auth(virtuoso: Any) -> Iterator[list[str]]:
    """The options that reach Virtuoso's Digest endpoints (``/sparql-auth`` for queries,
    ``/sparql-graph-crud-auth`` for the Graph Store Protocol) for :data:`GRAPH`."""
    yield [
        "--query-url",
        f"{virtuoso.base}/sparql-auth",
        "--gsp-url",
        str(virtuoso.auth_gsp_url),
        "--graph",
        GRAPH,
    ]


def test_virtuoso_digest(
    virtuoso_auth: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stores import VIRTUOSO_DBA

    user, password = VIRTUOSO_DBA
    code, _, err = run(capsys, "load", *virtuoso_auth)
    assert code == 2 and 'answered 401 Unauthorized (Digest realm "SPARQL")' in err
    monkeypatch.setenv("PPO_STORE_PASSWORD", "not-" + password)
    code, out, err = run(capsys, "load", *virtuoso_auth, "--store-user", user)
    assert code == 2 and f"it refused the credentials of user '{user}'" in err
    assert "not-" + password not in out + err
    monkeypatch.setenv("PPO_STORE_PASSWORD", password)
    code, _, err = run(capsys, "load", *virtuoso_auth, "--store-user", user)
    assert code == 0, err
    here = run(capsys, "query", "role-duties", "--format", "json")
    there = run(
        capsys, "query", "role-duties", *virtuoso_auth, "--store-user", user, "--format", "json"
    )
    assert there[0] == 0 and json.loads(there[1]) == json.loads(here[1]) != []
    code, out, err = run(capsys, "validate", *virtuoso_auth, "--store-user", user)
    assert code == 0 and out.startswith("Conforms"), err
