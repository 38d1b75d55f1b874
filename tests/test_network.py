"""No network: loading, analysis (every stage, readability included: textstat would call
``nltk.download``) and reporting never open a connection. The only network access is
``load("http(s)://...")``, when a user passes a URL, with a timeout and a size limit
(checked against a local server on loopback).

Runs every stage.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.config import STAGES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


# --------------------------------------------------------------------------- the guard
GUARD = """
import os, socket

_LOG = os.environ.get("STANCEKIT_TEST_NET_LOG")
attempts = []


def _deny(what):
    def deny(*args, **kwargs):
        target = args[1] if what.startswith("socket.") and len(args) > 1 else (args[:1] or kwargs)
        attempts.append((what, repr(target)))
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as fh:  # worker processes write here too
                fh.write(f"{os.getpid()} {what} {target!r}\\n")
        raise OSError(f"network access blocked by the test: {what} {target!r}")

    return deny


def install():
    socket.socket.connect = _deny("socket.connect")
    socket.socket.connect_ex = _deny("socket.connect_ex")
    socket.socket.sendto = _deny("socket.sendto")
    socket.create_connection = _deny("create_connection")
    socket.getaddrinfo = _deny("getaddrinfo")
    socket.gethostbyname = _deny("gethostbyname")
    socket.gethostbyname_ex = _deny("gethostbyname_ex")
"""


@pytest.fixture
def no_network(monkeypatch) -> Iterator[list[tuple[str, str]]]:
    """Every connection attempt raises and is recorded; the test fails if there was one
    (even when the library caught the error)."""
    attempts: list[tuple[str, str]] = []

    def deny(what: str):
        def _deny(*args, **kwargs):
            target = args[1] if what.startswith("socket.") and len(args) > 1 else args[:1]
            attempts.append((what, repr(target)))
            raise OSError(f"network access blocked by the test: {what} {target!r}")

        return _deny

    monkeypatch.setattr(socket.socket, "connect", deny("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", deny("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", deny("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", deny("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", deny("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", deny("gethostbyname"))
    yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


def test_the_guard_catches_connections(no_network):
    import urllib.request

    with pytest.raises(OSError, match="blocked by the test"):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    assert no_network
    no_network.clear()  # this test wanted the attempt


# --------------------------------------------------------------------------- offline run
OFFLINE_RUN = (
    GUARD
    + """
install()
import json, sys
stages, samples, report, outdir = sys.argv[1:5]
import stancekit
from stancekit import AnalysisConfig, Analyzer
from stancekit.cli import main

stream = stancekit.load(samples)
docs = list(stream)
assert docs and not stream.errors, stream.errors
an = Analyzer(AnalysisConfig(stages=tuple(json.loads(stages))))
an.analyze_document(docs[0])._repr_html_()
n = len(docs)
flags = ["-q", "--stages", ",".join(json.loads(stages))]
rc1 = main(["report", samples, "-o", report, "-j", "2", *flags])
rc2 = main(["analyze", samples, "-o", outdir, "--format", "csv", "-j", "1", *flags])
print(json.dumps({"docs": n, "rc": [rc1, rc2], "attempts": attempts}))
"""
)


def test_load_analyze_and_report_offline_in_a_fresh_process(tmp_path):
    """A fresh process, so every first use (pipeline, resources, models, textstat's
    dictionary, trafilatura) happens under the guard; workers log attempts to a file."""
    stages = STAGES
    if not stages:
        pytest.skip("no analysis stage exists yet")
    samples = tmp_path / "samples"  # three kinds of input: clean text, page capture, HTML
    samples.mkdir()
    for name in (
        "ukraine-arm-now.txt",
        "lebanon-hezbollah-state.raw.txt",
        "nato-eastern-flank.html",
    ):
        shutil.copy(SAMPLES / name, samples / name)
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "STANCEKIT_TEST_NET_LOG": str(log),
        # nowhere to find NLTK data: textstat's first syllable count would download it
        "NLTK_DATA": str(tmp_path / "no-nltk-data"),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            OFFLINE_RUN,
            json.dumps(list(stages)),
            str(samples),
            str(tmp_path / "report.html"),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["attempts"] == []
    assert not log.exists(), log.read_text()
    assert result["rc"] == [0, 0], proc.stderr[-3000:]
    assert result["docs"] == 3
    assert (tmp_path / "report.html").stat().st_size > 1000
    assert (tmp_path / "out" / "documents.csv").is_file()
    if "framing" in stages:  # readability really ran (offline)
        feats = (tmp_path / "out" / "features.csv").read_text(encoding="utf-8")
        assert "flesch_reading_ease" in feats


def test_analysis_in_process_is_offline(no_network):
    an = Analyzer(AnalysisConfig(stages=STAGES))
    text = (SAMPLES / "ukraine-arm-now.txt").read_text(encoding="utf-8")
    a = an.analyze(text)
    assert a.document.text
    a._repr_html_()


HOSTILE_LINKS = """<!DOCTYPE html SYSTEM "http://{host}/evil.dtd">
<html><head><title>Links everywhere</title>
<link rel="stylesheet" href="http://{host}/style.css">
<script src="http://{host}/script.js"></script>
<meta http-equiv="refresh" content="0; url=http://{host}/refresh">
<base href="http://{host}/">
</head><body><article>
<h1>Links everywhere</h1>
<img src="http://{host}/pixel.gif" srcset="http://{host}/big.gif 2x">
<iframe src="http://{host}/frame"></iframe>
<p>The minister said Iran must stop arming the militias in Iraq, and he said it twice.</p>
<p>Read <a href="http://{host}/more">more</a>; the United States should act now.</p>
<object data="http://{host}/object"></object><embed src="http://{host}/embed">
<svg><image href="http://{host}/svg.png"/></svg>
<p style="background:url(http://{host}/bg.png)">Officials said the talks would resume soon.</p>
</article></body></html>
"""


# --------------------------------------------------------------------------- a local server
class _Handler(http.server.BaseHTTPRequestHandler):
    pages: dict[str, tuple[int, str, bytes, float]] = {}
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        status, ctype, body, delay = self.pages.get(
            self.path, (404, "text/plain", b"not found", 0.0)
        )
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"pages": {}, "requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


ARTICLE = (
    b"<html><head><title>Iran and the militias</title></head><body><article>"
    b"<h1>Iran and the militias</h1>"
    b"<p>The minister said Iran must stop arming the militias in Iraq, on Monday.</p>"
    b"<p>The United States should respond with firm sanctions, officials said.</p>"
    b"<p>Talks would resume next week in Geneva, according to the foreign ministry.</p>"
    b"</article></body></html>"
)


def _load_module():
    return sys.modules["stancekit.load"]  # stancekit.load is the function


def test_urls_are_fetched_only_when_passed(server, tmp_path):
    host, handler = server
    handler.pages["/page"] = (200, "text/html; charset=utf-8", ARTICLE, 0.0)
    handler.pages["/evil.dtd"] = (200, "application/xml-dtd", b'<!ENTITY x "EVIL">', 0.0)
    # a URL inside a text file, a JSONL row and a page's links: never fetched
    (tmp_path / "mentions-a-url.txt").write_text(
        f"See http://{host}/page for the article the minister wrote about Iran.",
        encoding="utf-8",
    )
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"text": "Iran must act.", "url": f"http://{host}/page"}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "links.html").write_text(HOSTILE_LINKS.format(host=host), encoding="utf-8")
    stream = stancekit.load(tmp_path)
    docs = list(stream)
    assert len(docs) == 3 and not stream.errors, stream.errors
    links = next(d for d in docs if d.doc_id == "links")
    assert "Iran must stop arming" in links.text
    an = Analyzer(AnalysisConfig(stages=STAGES))
    for d in docs:
        an.analyze_document(d)._repr_html_()
    an.analyze(f"http://{host}/page")  # a URL as text is text
    an.analyze(HOSTILE_LINKS.format(host=host))
    assert handler.requests == []
    # passed as a source, the URL is fetched, once
    [doc] = list(stancekit.load(f"http://{host}/page"))
    assert "Iran must stop arming the militias" in doc.text
    assert doc.url == f"http://{host}/page"
    assert handler.requests == ["/page"]


def test_url_size_limit(server, monkeypatch):
    host, handler = server
    loadmod = _load_module()
    limit = loadmod.MAX_URL_BYTES
    assert 0 < limit <= 50_000_000
    big = b"<html><body><p>" + b"word " * (limit // 5 + 10) + b"</p></body></html>"
    assert len(big) > limit
    handler.pages["/big"] = (200, "text/html", big, 0.0)
    handler.pages["/ok"] = (200, "text/html", ARTICLE, 0.0)
    stream = stancekit.load([f"http://{host}/big", f"http://{host}/ok"])
    docs = list(stream)
    assert len(docs) == 1  # the run goes on after the page that is too big
    [err] = stream.errors
    assert err.doc_id == f"http://{host}/big"
    assert err.error_type == "LoadError"
    assert "larger than" in err.message and str(limit) in err.message


def test_url_timeout(server, monkeypatch):
    host, handler = server
    loadmod = _load_module()
    assert 0 < loadmod.URL_TIMEOUT <= 120
    monkeypatch.setattr(loadmod, "URL_TIMEOUT", 0.5)
    handler.pages["/slow"] = (200, "text/html", ARTICLE, 3.0)
    t0 = time.perf_counter()
    stream = stancekit.load(f"http://{host}/slow")
    assert list(stream) == []
    assert time.perf_counter() - t0 < 2.5
    [err] = stream.errors
    assert "timed out" in err.message.lower() or "timeout" in err.message.lower(), err.message


def test_url_errors_name_the_url(server):
    host, handler = server
    handler.pages["/gone"] = (404, "text/plain", b"not found", 0.0)
    handler.pages["/binary"] = (200, "application/octet-stream", bytes(range(256)) * 10, 0.0)
    stream = stancekit.load([f"http://{host}/gone", f"http://{host}/binary"])
    assert list(stream) == []
    messages = {e.doc_id: e.message for e in stream.errors}
    assert "404" in messages[f"http://{host}/gone"]
    assert "binary" in messages[f"http://{host}/binary"]
