"""System tests of a cluster: one real etcd (Debian's etcd-server), three real mqbridge nodes,
real mosquitto brokers as the remote and as the clustered local side, paho clients, HTTP through
urllib. Every port comes from the kernel and every wait is bounded.

Usage: cluster_system_test.py <scenario> <path to mqbridge>. Prints OK and exits 0 on success;
prints the failure and exits 1 otherwise.
"""
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from api_system_test import (HOST, TIMEOUT, Bridge, Client, Fail, Mosquitto, check,  # noqa: E402
                             free_port, wait_for, wait_port)

ETCD = "/usr/bin/etcd"
LEASE_TTL_S = 3


class Etcd:
    """A one-member etcd on free ports; stop() and start() keep its data."""

    def __init__(self, work):
        self.work = work
        self.port, self.peer = free_port(), free_port()
        self.url = "http://%s:%d" % (HOST, self.port)
        self.proc = None
        self.start()

    def start(self):
        log = open(os.path.join(self.work, "etcd.log"), "a")
        peer = "http://%s:%d" % (HOST, self.peer)
        self.proc = subprocess.Popen(
            [ETCD, "--name", "test", "--data-dir", os.path.join(self.work, "etcd"),
             "--listen-client-urls", self.url, "--advertise-client-urls", self.url,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", "test=" + peer],
            stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port, 30)

        def healthy():
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    return json.loads(r.read()).get("health") == "true"
            except OSError:
                return False
        wait_for(healthy, "etcd healthy", 30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        self.proc = None


class Node(Bridge):
    """An mqbridge node of the cluster: its own name, ports and data directory."""

    def __init__(self, binary, work, name, etcd):
        self.name = name
        os.makedirs(work, exist_ok=True)
        extra = ('[cluster]\nstore = "etcd"\nendpoints = ["%s"]\nprefix = "/test"\n'
                 'lease_ttl = "%ds"\nstatus_interval = "300ms"\n' % (etcd.url, LEASE_TTL_S))
        super().__init__(binary, work, extra_api=extra)

    def start(self):
        # The node's own name (Bridge writes one fixed name).
        text = open(self.config).read()
        open(self.config, "w").write(
            re.sub(r'name = "[^"]*"', 'name = "%s"' % self.name, text, count=1))
        super().start()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None


class Proxy:
    """A TCP proxy in front of the remote that can cut one node off: a connection whose first
    packet (the MQTT CONNECT) carries a blocked client id is closed with a reset, and so is every
    open one that did."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.blocked = set()
        self.conns = []  # (first packet, client socket, upstream socket)
        self.lock = threading.Lock()
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind((HOST, 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _is_blocked(self, first):
        return any(b.encode() in first for b in self.blocked)

    def _accept(self):
        while True:
            try:
                c, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            first = c.recv(65536)
            with self.lock:
                blocked = self._is_blocked(first)
            if blocked or not first:
                self._reset(c)
                return
            u = socket.create_connection((HOST, self.upstream))
            u.sendall(first)
            with self.lock:
                self.conns.append((first, c, u))
            threading.Thread(target=self._pump, args=(u, c), daemon=True).start()
            self._pump(c, u)
        except OSError:
            pass

    @staticmethod
    def _pump(a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for x in (a, b):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def _reset(sock):
        # Linger 0 makes the close a reset; the shutdown wakes the pump blocked on the socket.
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            sock.close()
        except OSError:
            pass

    def block(self, token):
        with self.lock:
            self.blocked.add(token)
            for first, c, u in self.conns:
                if token.encode() in first:
                    self._reset(c)
                    self._reset(u)

    def unblock(self, token):
        with self.lock:
            self.blocked.discard(token)


def start_cluster(binary, work, n=3):
    etcd = Etcd(work)
    nodes = [Node(binary, os.path.join(work, "n%d" % i), "n%d@127.0.0.1" % i, etcd)
             for i in range(1, n + 1)]
    for node in nodes:
        wait_for(lambda: len(node.ok("GET", "/api/v5/nodes")) == n, "%d nodes on %s" % (n, node.name))
    return etcd, nodes


def get(node, path):
    status, out = node.call("GET", path)
    return out if status == 200 else None


def wait_everywhere(nodes, path, pred, what, timeout=TIMEOUT):
    for node in nodes:
        wait_for(lambda: (lambda o: o is not None and pred(o))(get(node, path)),
                 "%s on %s" % (what, node.name), timeout)


def node_status(obj):
    return {n["node"]: (n["status"], n["status_reason"]) for n in obj["node_status"]}


def connector(name, port, **extra):
    c = {"type": "mqtt", "name": name, "server": "127.0.0.1:%d" % port, "proto_ver": "v4",
         "pool_size": 2, "keepalive": "60s"}
    c.update(extra)
    return c


def scenario_shared_config(binary, work):
    """Objects made on one node apply on all; membership; static ids per node; inconsistent
    status; concurrent updates on two nodes."""
    remote = Mosquitto(work, users={"u1": "p1", "u2": "p2", "u3": "p3"})
    etcd, nodes = start_cluster(binary, work)
    n1, n2, n3 = nodes
    names = sorted(n["node"] for n in n2.ok("GET", "/api/v5/nodes"))
    check(names == ["n1@127.0.0.1", "n2@127.0.0.1", "n3@127.0.0.1"], "GET /nodes: %s" % names)
    check(all(n["cluster"]["status"] == "connected" for n in n1.ok("GET", "/api/v5/nodes")),
          "every node's store is connected")

    # Static client ids for n1 and n2 only; n3 has a wrong password for its own id.
    ids = [{"node": "n1@127.0.0.1", "ids": [{"clientid": "pin-n1", "username": "u1",
                                             "password": "p1"}]},
           {"node": "n2@127.0.0.1", "ids": [{"clientid": "pin-n2", "username": "u2",
                                             "password": "p2"}]},
           {"node": "n3@127.0.0.1", "ids": [{"clientid": "pin-n3", "username": "u3",
                                             "password": "wrong"}]}]
    t0 = time.time()
    n1.ok("POST", "/api/v5/connectors", connector("pinned", remote.port, static_clientids=ids))
    wait_everywhere([n2, n3], "/api/v5/connectors/mqtt:pinned", lambda o: True,
                    "connector applied")
    applied_s = time.time() - t0
    check(applied_s < 5, "applied on every node within 5 s (%.2f s)" % applied_s)
    print("a connector made on n1 is on n2 and n3 after %.0f ms (polled every 50 ms)"
          % (applied_s * 1000))

    def pinned_view(o):
        st = node_status(o)
        return (len(st) == 3 and st["n1@127.0.0.1"][0] == "connected" and
                st["n2@127.0.0.1"][0] == "connected" and st["n3@127.0.0.1"][0] == "disconnected"
                and "not configured" not in st["n3@127.0.0.1"][1])
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:pinned", pinned_view, "per-node status")
    o = n2.ok("GET", "/api/v5/connectors/mqtt:pinned")
    check(o["status"] == "inconsistent", "status inconsistent: %s" % o["status"])
    check("not authorized" in node_status(o)["n3@127.0.0.1"][1].lower() or
          "bad user name or password" in node_status(o)["n3@127.0.0.1"][1].lower(),
          "n3's reason is the remote's refusal: %s" % node_status(o)["n3@127.0.0.1"][1])
    check("n3@127.0.0.1" in o["status_reason"], "the merged reason names n3: %s" % o["status_reason"])
    remote_log = open(remote.log.name).read()
    check("as pin-n1" in remote_log and "as pin-n2" in remote_log,
          "the remote saw each node's static id")

    # API keys and users made on one node work on the others.
    st, key = n1.call("POST", "/api/v5/api_key", {"name": "ops2", "role": "viewer"})
    check(st in (200, 201), "API key created: %s %s" % (st, key))
    wait_for(lambda: n3.call("GET", "/api/v5/nodes",
                             auth=(key["api_key"], key["api_secret"]))[0] == 200,
             "n1's new API key accepted by n3")
    n2.ok("POST", "/api/v5/users", {"username": "alice", "password": "alice-password",
                                    "role": "viewer"})
    wait_for(lambda: n1.call("POST", "/api/v5/login", {"username": "alice",
                                                       "password": "alice-password"},
                             auth=None)[0] == 200, "n2's new user logs in on n1")
    n3.ok("DELETE", "/api/v5/api_key/ops2")
    wait_for(lambda: n1.call("GET", "/api/v5/nodes",
                             auth=(key["api_key"], key["api_secret"]))[0] == 401,
             "the key deleted on n3 is refused by n1")

    # Cut n3 off from the remote with a proxy: only n3 turns disconnected, with its reason, and
    # the status is inconsistent until the proxy lets it through again.
    proxy = Proxy(remote.port)
    pids = [{"node": "n%d@127.0.0.1" % i, "ids": [{"clientid": "via-n%d" % i, "username": "u1",
                                                    "password": "p1"}]} for i in (1, 2, 3)]
    n1.ok("POST", "/api/v5/connectors", connector("proxied", proxy.port, static_clientids=pids))
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:proxied",
                    lambda o: o["status"] == "connected" and len(o["node_status"]) == 3,
                    "proxied connector connected on every node")
    proxy.block("via-n3")
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:proxied",
                    lambda o: o["status"] == "inconsistent" and
                    node_status(o)["n3@127.0.0.1"][0] == "disconnected" and
                    node_status(o)["n3@127.0.0.1"][1] != "" and
                    node_status(o)["n1@127.0.0.1"][0] == "connected",
                    "n3 cut off, the others connected")
    reason = node_status(n1.ok("GET", "/api/v5/connectors/mqtt:proxied"))["n3@127.0.0.1"][1]
    check(reason != "", "n3's reason is given: %r" % reason)
    print("n3 cut off by the proxy: %s" % reason)
    proxy.unblock("via-n3")
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:proxied",
                    lambda o: o["status"] == "connected", "n3 reconnected", 30)

    # A connector without ids for n3: its node_status says so.
    ids2 = [{"node": i["node"], "ids": [dict(i["ids"][0], clientid="two-" + i["ids"][0]["clientid"])]}
            for i in ids[:2]]
    n3.ok("POST", "/api/v5/connectors", connector("pinned2", remote.port, static_clientids=ids2))
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:pinned2",
                    lambda o: len(o["node_status"]) == 3 and
                    node_status(o)["n3@127.0.0.1"][1] == "Connector has no assigned static clientids",
                    "n3 without static ids")

    # Concurrent updates of one object on two nodes, and concurrent creates of different ones.
    n1.ok("POST", "/api/v5/connectors", connector("shared", remote.port, username="u1",
                                                  password="p1"))
    wait_everywhere(nodes, "/api/v5/connectors/mqtt:shared", lambda o: True, "shared connector")
    results = []

    def writer(node, tag):
        for i in range(8):
            body = connector("shared", remote.port, username="u1", password="p1",
                             description="%s-%d" % (tag, i))
            st, out = node.call("PUT", "/api/v5/connectors/mqtt:shared", body)
            results.append(st)
            if st == 409:
                print("409 from %s: %s" % (node.name, out))
            st, out = node.call("POST", "/api/v5/connectors",
                                connector("c-%s-%d" % (tag, i), remote.port, username="u1",
                                          password="p1", enable=False))
            results.append(st)
            if st != 201:
                print("POST on %s: %s %s" % (node.name, st, out))
    threads = [threading.Thread(target=writer, args=(n, t)) for n, t in ((n1, "a"), (n2, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    check(all(r in (200, 201) for r in results), "every concurrent write succeeded: %s" % results)
    attempts = [int(a) for n in (n1, n2) for a in re.findall(r"first \(attempt (\d+)\)", n.log())]
    print("concurrent writes: %d, lost races: %d, most in a row: %d"
          % (len(results), len(attempts), max(attempts or [0])))
    want = set("c-%s-%d" % (t, i) for t in "ab" for i in range(8)) | {"pinned", "pinned2", "shared",
                                                                      "proxied"}
    for node in nodes:
        wait_for(lambda: set(c["name"] for c in get(node, "/api/v5/connectors") or []) == want,
                 "all 20 connectors on " + node.name)
    descriptions = set(get(node, "/api/v5/connectors/mqtt:shared")["description"] for node in nodes)
    check(len(descriptions) == 1 and descriptions.pop() in ("a-7", "b-7"),
          "every node has the same last write")

    # A node killed leaves the cluster when its lease expires; restarted, it comes back and
    # has the objects made while it was away.
    n2.kill()
    wait_for(lambda: len(n1.ok("GET", "/api/v5/nodes")) == 2, "n2 gone from /nodes",
             LEASE_TTL_S + 10)
    wait_for(lambda: len(n1.ok("GET", "/api/v5/connectors/mqtt:pinned")["node_status"]) == 2,
             "n2 gone from node_status")
    n1.ok("POST", "/api/v5/connectors", connector("while_away", remote.port, enable=False))
    n2.start()
    wait_for(lambda: len(n1.ok("GET", "/api/v5/nodes")) == 3, "n2 back in /nodes")
    wait_for(lambda: get(n2, "/api/v5/connectors/mqtt:while_away") is not None,
             "n2 has the connector made while it was away")
    for node in nodes:
        node.stop()
    etcd.stop()
    remote.stop()


def local_connector(name, port):
    return connector(name, port, pool_size=2)


def scenario_traffic(binary, work):
    """Local traffic through a clustered local broker shared over the nodes with $share, and a
    remote source spread over the nodes' pools with $share: each message handled once."""
    remote = Mosquitto(work)
    local = Mosquitto(work)
    etcd, nodes = start_cluster(binary, work)
    n1, n2, n3 = nodes
    n1.ok("POST", "/api/v5/connectors", local_connector("local", local.port))
    n1.ok("POST", "/api/v5/connectors", connector("remote", remote.port))
    n1.ok("POST", "/api/v5/sources", {"type": "mqtt", "name": "devices", "connector": "local",
                                      "parameters": {"topic": "$share/mqb/devices/#", "qos": 1}})
    n1.ok("POST", "/api/v5/actions", {"type": "mqtt", "name": "up", "connector": "remote",
                                      "parameters": {"topic": "up/${topic}", "qos": 1,
                                                     "payload": "${payload}"}})
    n1.ok("POST", "/api/v5/rules", {"id": "forward",
                                    "sql": 'SELECT * FROM "$bridges/mqtt:devices"',
                                    "actions": ["mqtt:up"]})
    n1.ok("POST", "/api/v5/sources", {"type": "mqtt", "name": "commands", "connector": "remote",
                                      "parameters": {"topic": "$share/mqb/cmd/#", "qos": 1}})
    n1.ok("POST", "/api/v5/rules", {"id": "down",
                                    "sql": 'SELECT * FROM "$bridges/mqtt:commands"',
                                    "actions": [{"function": "republish",
                                                 "args": {"topic": "down/${topic}", "qos": 1,
                                                          "payload": "${payload}"}}]})
    for path in ("/api/v5/sources/mqtt:devices", "/api/v5/sources/mqtt:commands",
                 "/api/v5/actions/mqtt:up"):
        wait_everywhere(nodes, path, lambda o: o["status"] == "connected", "connected " + path)

    # Up: 3000 numbered QoS 1 messages into the local broker; each reaches the remote.
    sink = Client(remote.port, "remote-sub", "up/#")
    pub = Client(local.port, "device")
    count = 3000
    for i in range(count):
        pub.c.publish("devices/d1", str(i), qos=1)
    got = []
    wait_for(lambda: (got.extend(sink.messages.get() for _ in range(sink.messages.qsize())) or
                      len(set(p for _, p in got)) == count), "%d messages at the remote" % count, 60)
    seen = [int(p) for _, p in got]
    check(set(seen) == set(range(count)), "none missing")
    dups = len(seen) - count
    wait_for(lambda: n1.ok("GET", "/api/v5/actions/mqtt:up/metrics")["metrics"]["success"] >= count,
             "summed success counts every message")
    m = n1.ok("GET", "/api/v5/actions/mqtt:up/metrics")
    per_node = {n["node"]: n["metrics"]["success"] for n in m["node_metrics"]}
    check(len(per_node) == 3 and sum(per_node.values()) == m["metrics"]["success"],
          "metrics are the sum of node_metrics: %s" % m)
    busy = [n for n, c in per_node.items() if c > 0]
    check(len(busy) >= 2, "the $share group spread the load over the nodes: %s" % per_node)
    print("up: %d messages, %d duplicates, per node %s" % (count, dups, per_node))

    # Down: the remote source is one $share group over all the nodes' pools.
    subs = [Client(n.port, "app-%s" % n.name, "down/#") for n in nodes]
    cmd = Client(remote.port, "cloud")
    for i in range(300):
        cmd.c.publish("cmd/d1", str(i), qos=1)
    received = []

    def drain():
        for s in subs:
            while not s.messages.empty():
                received.append(s.messages.get())
        return len(received) >= 300
    wait_for(drain, "300 commands over the nodes", 30)
    time.sleep(1)
    drain()
    payloads = [p for _, p in received]
    check(sorted(int(p) for p in payloads) == list(range(300)),
          "each command handled once by the group (%d received)" % len(payloads))
    for c in subs + [cmd, sink, pub]:
        c.close()
    for node in nodes:
        node.stop()
    etcd.stop()
    local.stop()
    remote.stop()


def scenario_store_down(binary, work):
    """etcd stopped mid-run: nodes keep running, writes are refused, reads answer; a node
    restarted while etcd is down starts from its cached copy; all catch up when etcd returns."""
    remote = Mosquitto(work)
    etcd, nodes = start_cluster(binary, work)
    n1, n2, n3 = nodes
    n1.ok("POST", "/api/v5/connectors", connector("remote", remote.port))
    n1.ok("POST", "/api/v5/actions", {"type": "mqtt", "name": "up", "connector": "remote",
                                      "parameters": {"topic": "up/${topic}", "qos": 1,
                                                     "payload": "${payload}"}})
    n1.ok("POST", "/api/v5/rules", {"id": "r", "sql": 'SELECT * FROM "t/#"',
                                    "actions": ["mqtt:up"]})
    wait_everywhere(nodes, "/api/v5/actions/mqtt:up", lambda o: o["status"] == "connected",
                    "action connected")
    etcd.stop()
    # Traffic goes on through every node.
    sink = Client(remote.port, "sink", "up/#")
    for n in nodes:
        c = Client(n.port, "p-" + n.name)
        c.publish("t/x", n.name)
        c.close()
    got = set(sink.get()[1] for _ in nodes)
    check(got == set(n.name for n in nodes), "every node still forwards: %s" % got)
    status, out = n1.call("POST", "/api/v5/rules", {"id": "r2", "sql": 'SELECT * FROM "u/#"',
                                                    "actions": ["mqtt:up"]})
    check(status == 503 and out["code"] == "SERVICE_UNAVAILABLE" and
          "cluster store is unreachable" in out["message"], "write refused: %s %s" % (status, out))
    check(get(n1, "/api/v5/rules/r") is not None, "reads still answer")
    wait_for(lambda: n1.ok("GET", "/api/v5/nodes")[0]["cluster"]["status"] == "unreachable",
             "the store's status says unreachable")
    reason = n1.ok("GET", "/api/v5/nodes")[0]["cluster"]["reason"]
    check(etcd.url.split("//")[1] in reason, "the reason names the endpoint: %s" % reason)
    # A node restarted with etcd down starts from its cached copy.
    n3.stop()
    n3.start()
    check(get(n3, "/api/v5/rules/r") is not None, "n3 restarted from its cached copy")
    wait_for(lambda: get(n3, "/api/v5/actions/mqtt:up")["status"] == "connected",
             "n3's action connected")
    etcd.start()
    wait_for(lambda: n1.call("POST", "/api/v5/rules", {"id": "r2", "sql": 'SELECT * FROM "u/#"',
                                                       "actions": ["mqtt:up"]})[0] == 201,
             "writes accepted again", 20)
    wait_everywhere(nodes, "/api/v5/rules/r2", lambda o: True, "rule made after etcd returned")
    wait_for(lambda: all(n["cluster"]["status"] == "connected"
                         for n in n2.ok("GET", "/api/v5/nodes")) and
             len(n2.ok("GET", "/api/v5/nodes")) == 3, "every node connected to the store again", 20)
    sink.close()
    for node in nodes:
        node.stop()
    etcd.stop()
    remote.stop()


def main():
    scenario, binary = sys.argv[1], sys.argv[2]
    if not os.path.exists(ETCD):
        print("SKIP: %s not installed (scripts/bootstrap installs etcd-server)" % ETCD)
        return 0
    work = tempfile.mkdtemp(prefix="mqb-cluster-")
    os.chmod(work, 0o755)
    try:
        globals()["scenario_" + scenario](binary, work)
    except Fail as e:
        print("FAIL:", e)
        for root, _, files in os.walk(work):
            for f in files:
                if f.endswith(".log"):
                    print("---- %s (tail)" % os.path.join(root, f))
                    print("".join(open(os.path.join(root, f), errors="replace").readlines()[-40:]))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
