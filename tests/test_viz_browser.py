"""The HTML picture in a real headless browser (Debian's chromium), with the network off.

Driven over the Chrome DevTools Protocol by a minimal stdlib websocket client (RFC 6455: masked
text frames out, unmasked frames in), so the test needs no extra package. Network off: chromium
gets an unroutable proxy, and every request the page makes is recorded and must be file: or data:.
"""

from __future__ import annotations

import base64
import json
import math
import os
import socket
import struct
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import require_tool
from rdflib import RDF, Graph, URIRef
from test_viz import png_stats, rdf_counts
from test_viz_picture import Box, misplaced, python_edges, python_svg, through_boxes

from ppo_graph import viz
from ppo_graph.backends.reference.namespaces import PPO, PPOD

TIMEOUT = 30.0
VIEWPORT = (1440, 900)


class CDP:
    """Just enough of a websocket client to talk to one DevTools target."""

    def __init__(self, ws_url: str) -> None:
        url = urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            assert chunk, "DevTools closed the connection during the handshake"
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            assert chunk, "DevTools closed the connection"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text: str) -> None:
        payload = text.encode()
        header = bytearray([0x81])  # FIN + text frame
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self) -> dict[str, Any]:
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", self._read(8))
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if opcode in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    result: dict[str, Any] = json.loads(message)
                    return result

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                assert "error" not in message, message["error"]
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for message in self.events:
                if message.get("method") == event:
                    return message
            self.events.append(self._receive())
        raise TimeoutError(event)

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A headless chromium with an unroutable proxy; yields the DevTools HTTP address."""
    binary = require_tool("chromium", "apt-get install chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--proxy-server=127.0.0.1:9",
            "--hide-scrollbars",
            "--window-size=1440,900",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, "chromium exited at start-up"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        yield f"127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def open_page(devtools: str, url: str) -> CDP:
    with urllib.request.urlopen(f"http://{devtools}/json/list", timeout=TIMEOUT) as response:
        targets = json.load(response)
    page = next(t for t in targets if t["type"] == "page")
    cdp = CDP(page["webSocketDebuggerUrl"])
    cdp.call("Network.enable")
    cdp.call("Page.enable")
    cdp.call("Runtime.enable")
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        width=VIEWPORT[0],
        height=VIEWPORT[1],
        deviceScaleFactor=1,
        mobile=False,
    )
    cdp.call("Page.navigate", url=url)
    cdp.wait_for("Page.loadEventFired")
    deadline = time.monotonic() + TIMEOUT
    while not cdp.js("Boolean(window.ppoGraph && window.ppoGraph.ready)"):
        assert time.monotonic() < deadline, "the page never set window.ppoGraph"
        time.sleep(0.05)
    return cdp


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory, reasoned_engine: Any) -> Path:
    out = tmp_path_factory.mktemp("viz") / "ppo-interfaces.html"
    return viz.write(reasoned_engine, out, "interfaces", "html")


@pytest.fixture(scope="module")
def page(chromium: str, page_file: Path) -> Iterator[CDP]:
    cdp = open_page(chromium, page_file.as_uri())
    yield cdp
    cdp.sock.close()


def test_renders_every_process_and_interface(page: CDP, reasoned_union: Graph) -> None:
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    assert page.js("ppoGraph.nodeCount") == n_processes
    assert page.js("ppoGraph.edgeCount") == n_interfaces
    assert page.js("ppoGraph.cy.nodes(':visible').length") == n_processes
    # and it really drew them: the canvas has size and the nodes lie inside the viewport
    assert page.js("ppoGraph.cy.width() > 300 && ppoGraph.cy.height() > 300")
    extent = page.js("(() => { const e = ppoGraph.cy.extent(), b = ppoGraph.cy.nodes()"
                     ".boundingBox(); return b.x1 >= e.x1 && b.x2 <= e.x2 && b.y1 >= e.y1"
                     " && b.y2 <= e.y2; })()")  # fmt: skip
    assert extent, "the default view does not show the whole graph"


def test_page_draws_the_scene_layout(page: CDP, reasoned_engine: Any) -> None:
    """Cytoscape keeps the scene's positions and box sizes: the same picture as the SVG and the
    DOT (tests/test_viz_picture.py)."""
    scene = viz.build_scene(reasoned_engine)
    drawn = page.js(
        "ppoGraph.cy.nodes().map(n => [n.id(), n.position('x'), n.position('y'), "
        "n.width(), n.height()])"
    )
    assert misplaced(scene, {i: Box(x, y, w, h) for i, x, y, w, h in drawn}) == []


def test_page_draws_the_scene_routes(page: CDP, reasoned_engine: Any) -> None:
    """Each edge follows the scene's route (issue 23): through its control point, or round the
    corners it takes to go around the boxes in its way."""
    scene = viz.build_scene(reasoned_engine)
    drawn = dict(
        page.js(
            "ppoGraph.cy.edges().map(e => [e.id(), "
            "(e.controlPoints() || e.segmentPoints() || []).map(p => [p.x, p.y])])"
        )
    )
    for edge in scene.edges:
        bends = [s[0] for s in scene.routes[edge.id].segments if len(s) == 2]
        assert len(drawn[edge.id]) == len(bends), edge.id
        assert all(math.dist(a, b) < 1.0 for a, b in zip(drawn[edge.id], bends, strict=False)), (
            edge.id
        )


def test_page_export_has_no_edge_through_a_box(page: CDP) -> None:
    svg = page.js("ppoGraph.exportSvg()").encode("utf-8")
    edges, boxes = python_edges(svg), python_svg(svg)
    assert edges and boxes and through_boxes(edges, boxes) == []


def test_no_network_request_and_no_script_error(page: CDP) -> None:
    requested = [
        e["params"]["request"]["url"]
        for e in page.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requested, "the page load itself was not recorded"
    assert all(url.startswith(("file:", "data:")) for url in requested), requested
    resources = page.js("performance.getEntriesByType('resource').map(r => r.name)")
    assert all(url.startswith(("file:", "data:", "blob:")) for url in resources), resources
    errors = [
        e
        for e in page.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
    ]
    assert errors == []


def test_labels_do_not_overlap(page: CDP) -> None:
    overlaps = page.js(
        """(() => {
          const boxes = ppoGraph.cy.nodes().map(n => [n.data('name'),
            n.boundingBox({includeLabels: true, includeOverlays: false})]);
          const out = [];
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const [a, p] = boxes[i], [b, q] = boxes[j];
            if (p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2) out.push([a, b]);
          }
          return out;
        })()"""
    )
    assert overlaps == []


def test_clicking_a_node_shows_its_interfaces_and_evidence(
    page: CDP, reasoned_union: Graph
) -> None:
    node = str(PPOD.ITServiceContinuityManagement)
    page.js(f"void ppoGraph.cy.getElementById({json.dumps(node)}).emit('tap')")
    panel = page.js("document.getElementById('details').innerText")
    g = reasoned_union
    assert "IT Service Continuity Management" in panel
    assert "Business Continuity Management" in panel  # one of its partners
    # the text of every duty that evidences one of its outgoing interfaces is quoted
    for itf in g.subjects(PPO.fromProcess, URIRef(node)):
        for duty in g.objects(itf, PPO.evidencedBy):
            assert str(g.value(duty, PPO.verbatimText)) in panel
    assert page.js(f"ppoGraph.cy.getElementById({json.dumps(node)}).selected()")


def test_clicking_an_edge_shows_its_evidence(page: CDP, reasoned_union: Graph) -> None:
    g = reasoned_union
    itf = next(
        i
        for i in sorted(g.subjects(RDF.type, PPO.Interface))
        if g.value(i, PPO.toProcess) == PPOD.ProblemManagement
    )
    page.js(f"void ppoGraph.cy.getElementById({json.dumps(str(itf))}).emit('tap')")
    panel = page.js("document.getElementById('details').innerText")
    assert "Problem Management" in panel
    for duty in g.objects(itf, PPO.evidencedBy):
        assert str(g.value(duty, PPO.verbatimText)) in panel


def test_filter_by_type_and_search(page: CDP, reasoned_union: Graph) -> None:
    total = page.js("ppoGraph.visibleEdgeCount()")
    coordination = sum(1 for _ in reasoned_union.subjects(RDF.type, PPO.CoordinationInterface))
    page.js("ppoGraph.setTypeVisible('coordination', false)")
    assert page.js("ppoGraph.visibleEdgeCount()") == total - coordination
    page.js("ppoGraph.setTypeVisible('coordination', true)")
    assert page.js("ppoGraph.visibleEdgeCount()") == total

    page.js(
        "(() => { const s = document.getElementById('search'); s.value = 'problem management';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    assert page.js("document.querySelector('#details h2').innerText") == "Problem Management"
    assert page.js("ppoGraph.search('ISM')") == 1  # an abbreviation finds its process


def test_exports(page: CDP, reasoned_union: Graph, tmp_path: Path) -> None:
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    page.js("ppoGraph.setTypeVisible('risk', false)")
    try:
        svg = ET.fromstring(page.js("ppoGraph.exportSvg()"))
    finally:
        page.js("ppoGraph.setTypeVisible('risk', true)")
    groups = list(svg.iter("{http://www.w3.org/2000/svg}g"))
    risks = sum(1 for _ in reasoned_union.subjects(RDF.type, PPO.RiskInterface))
    assert sum(g.get("class") == "node" for g in groups) == n_processes
    assert sum(g.get("class") == "edge" for g in groups) == n_interfaces - risks  # the view
    uri = page.js("ppoGraph.exportPng()")
    assert uri.startswith("data:image/png;base64,")
    width, height, colours = png_stats(base64.b64decode(uri.split(",", 1)[1]))
    assert width > 500 and height > 500 and colours > 10


def test_screenshot_is_not_blank(page: CDP, tmp_path: Path) -> None:
    page.js("void ppoGraph.cy.emit('tap')")  # a tap on the background resets the view
    shot = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
    path = tmp_path / "ppo-interfaces.png"
    path.write_bytes(shot)
    width, height, colours = png_stats(shot)
    assert (width, height) == VIEWPORT
    assert colours > 20, f"blank screenshot: {path}"
