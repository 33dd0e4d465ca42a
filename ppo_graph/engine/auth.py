"""Credentials for a SPARQL store (``--store-user``, ``PPO_STORE_PASSWORD``, ``~/.netrc``,
``PPO_STORE_TOKEN``) and the ``Authorization`` header of each request: HTTP Basic (RFC 7617),
Digest (RFC 7616, and RFC 2617's MD5 without qop) or a bearer token (RFC 6750).

A password never comes from the command line: ``--store-user NAME`` takes it from the
environment variable :data:`PASSWORD_ENV`, else from the netrc file (``$NETRC``, else
``~/.netrc``: ``machine HOST login NAME password SECRET``) for the store's host. A bearer token
comes from :data:`TOKEN_ENV` alone. Basic and Digest answer the store's challenge (its ``401``
with ``WWW-Authenticate``): nothing is sent before the store asks, so a Digest store never sees
a Basic password; once challenged, later requests carry the answer at once (Digest with the next
nonce count), and a stale nonce is answered again. No message, ``repr`` or log of this module
holds a secret: :meth:`Credentials.scrub` takes them out of any text shown (a store's error page
may echo a header).
"""

from __future__ import annotations

import base64
import hashlib
import netrc
import os
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ppo_graph.errors import UsageError

#: The environment variable that holds ``--store-user``'s password.
PASSWORD_ENV = "PPO_STORE_PASSWORD"
#: The environment variable that holds a bearer token for the store.
TOKEN_ENV = "PPO_STORE_TOKEN"
#: Digest algorithms answered (RFC 7616 section 3.3), each with its hash.
_DIGEST_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_TOKEN68 = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
#: One comma-separated item of a header (quoted strings kept whole).
_ITEM_RE = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')
#: A scheme name: a token not followed by "=" (then white space or the end of the item).
_SCHEME_RE = re.compile(rf"({_TOKEN68})(?=\s+[^=\s]|\s*$)")
_PARAM_RE = re.compile(rf'({_TOKEN68})\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)')


@dataclass(frozen=True)
class Credentials:
    """Who the requests to a store are sent as: a user and password (Basic or Digest, as the
    store asks), or a bearer token. Its ``repr`` says which, never the secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        if self.token is not None:
            return "Credentials(token=<from PPO_STORE_TOKEN>)"
        return f"Credentials(user={self.user!r}, password=<hidden>)"

    @property
    def who(self) -> str:
        """What an error may say about them."""
        return "the bearer token of PPO_STORE_TOKEN" if self.token else f"user {self.user!r}"

    def secrets(self) -> list[str]:
        """Every form of the secret that could appear in a text: the password or token, and the
        Basic header's base64."""
        found = [s for s in (self.password, self.token) if s]
        if self.user is not None and self.password:
            found.append(_basic(self.user, self.password))
        return found

    def scrub(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


def credentials(
    user: str | None,
    urls: Sequence[str],
    environ: Mapping[str, str] | None = None,
) -> Credentials | None:
    """The credentials ``--store-user`` and the environment give for a store at ``urls`` (None:
    send none). With a user, the password is :data:`PASSWORD_ENV`'s, else the netrc entry of the
    first URL's host that has this login; without one, :data:`TOKEN_ENV`'s token, if set."""
    env = os.environ if environ is None else environ
    if user is None:
        token = env.get(TOKEN_ENV)
        return Credentials(token=token) if token else None
    if not user or ":" in user:
        raise UsageError("--store-user must be a user name, without ':' (and without a password)")
    password = env.get(PASSWORD_ENV)
    if password is None:
        password = _netrc_password(user, urls, env)
    if password is None:
        hosts = ", ".join(dict.fromkeys(_host(url) for url in urls))
        raise UsageError(
            f"--store-user {user} needs a password: set {PASSWORD_ENV}, or add "
            f"'machine HOST login {user} password ...' to {_netrc_file(env)} (HOST: {hosts}); "
            "a password is never taken from the command line"
        )
    return Credentials(user=user, password=password)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or ""


def _netrc_file(env: Mapping[str, str]) -> Path:
    """``$NETRC`` (as curl and requests read it), else ``~/.netrc``."""
    return Path(env.get("NETRC") or Path.home() / ".netrc").expanduser()


def _netrc_password(user: str, urls: Sequence[str], env: Mapping[str, str]) -> str | None:
    path = _netrc_file(env)
    if not path.is_file():
        return None
    try:
        entries = netrc.netrc(str(path))
    except netrc.NetrcParseError as exc:  # its message may quote a token of the file: not shown
        raise UsageError(f"{path}:{exc.lineno}: the netrc file does not parse") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the netrc file: {exc.strerror}") from None
    for url in urls:
        found = entries.authenticators(_host(url))
        if found is not None and found[0] == user and found[2]:
            return found[2]
    return None


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def challenges(headers: Iterable[str]) -> dict[str, dict[str, str]]:
    """The challenges of ``WWW-Authenticate`` header values: scheme (lower case) -> its
    parameters (names lower case, quoted values unquoted). A header may hold several, each a
    scheme followed by its comma-separated parameters."""
    found: dict[str, dict[str, str]] = {}
    for header in headers:
        params: dict[str, str] | None = None
        for item in _ITEM_RE.findall(header):
            item = item.strip()
            starts = _SCHEME_RE.match(item)
            if starts:  # a new challenge: its scheme, then perhaps its first parameter
                params = found.setdefault(starts.group(1).lower(), {})
                item = item[starts.end() :].strip()
            param = _PARAM_RE.fullmatch(item)
            if param and params is not None:
                name, value = param.group(1).lower(), param.group(2)
                if value.startswith('"'):
                    value = re.sub(r"\\(.)", r"\1", value[1:-1])
                params[name] = value
    return found


class Authenticator:
    """The ``Authorization`` header of each request to one store, learning the scheme from the
    store's challenge (one per store client; shared by its threads)."""

    def __init__(self, creds: Credentials) -> None:
        self.creds = creds
        self._lock = threading.Lock()
        self._scheme: str | None = None
        self._digest: dict[str, str] = {}
        self._count = 0
        self._pid = os.getpid()

    @property
    def scheme(self) -> str | None:
        """ "bearer", "basic" or "digest" once known; None until the store has challenged."""
        return "bearer" if self.creds.token else self._scheme

    def header(self, method: str, url: str) -> str | None:
        """The ``Authorization`` value for this request, or None while the scheme is unknown."""
        creds = self.creds
        if creds.token:
            return f"Bearer {creds.token}"
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: its own nonce, not its parent's
                self._pid = os.getpid()
                if self._scheme == "digest":
                    self._scheme, self._digest, self._count = None, {}, 0
            if self._scheme == "basic":
                return f"Basic {_basic(creds.user or '', creds.password or '')}"
            if self._scheme == "digest":
                self._count += 1
                return _digest_answer(creds, self._digest, method, url, self._count)
        return None

    def challenged(self, headers: Iterable[str], *, sent: bool) -> bool:
        """Take the store's 401 challenge; whether sending the request again may succeed: a
        scheme learnt (Digest preferred), or a new Digest nonce (the last one gone stale, or
        used by another process or thread). ``sent``: the request carried an answer already
        (then the same nonce offered again means the credentials were refused)."""
        if self.creds.token:
            return False  # a token goes with every request: a 401 means it was refused
        offered = challenges(headers)
        digest = offered.get("digest")
        with self._lock:
            if digest is not None and _digest_usable(digest):
                stale = digest.get("stale", "").lower() == "true"
                if sent and not stale and digest.get("nonce") == self._digest.get("nonce"):
                    return False
                self._scheme, self._digest, self._count = "digest", dict(digest), 0
                return True
            if "basic" in offered and not sent:
                self._scheme = "basic"
                return True
            return False

    def refused(self) -> str:
        """Why a final 401 came: the store refused these credentials."""
        return f"it refused the credentials of {self.creds.who}"


def _digest_usable(params: Mapping[str, str]) -> bool:
    algorithm = params.get("algorithm", "MD5").upper().removesuffix("-SESS")
    qops = [q.strip().lower() for q in params.get("qop", "auth").split(",")]
    return algorithm in _DIGEST_HASHES and "nonce" in params and ("auth" in qops or not qops)


def _digest_answer(
    creds: Credentials, params: Mapping[str, str], method: str, url: str, count: int
) -> str:
    """The Digest ``Authorization`` value (RFC 7616 section 3.4; without ``qop``, RFC 2069's)."""
    algorithm = params.get("algorithm", "MD5")
    hash_name = algorithm.upper().removesuffix("-SESS")

    def h(text: str) -> str:
        return _DIGEST_HASHES[hash_name](text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    realm, nonce = params.get("realm", ""), params["nonce"]
    cnonce = os.urandom(8).hex()
    nc = f"{count:08x}"
    ha1 = h(f"{creds.user}:{realm}:{creds.password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qop = "auth" if "qop" in params else None
    response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}" if qop else f"{ha1}:{nonce}:{ha2}")
    fields = {
        "username": creds.user or "",
        "realm": realm,
        "nonce": nonce,
        "uri": uri,
        "response": response,
    }
    if "algorithm" in params:
        fields["algorithm"] = algorithm
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    text = ", ".join(f'{k}="{_quote(v)}"' for k, v in fields.items())
    if qop:
        text += f', qop={qop}, nc={nc}, cnonce="{cnonce}"'
    return f"Digest {text}"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
