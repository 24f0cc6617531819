"""System tests of the management API: the real mqbridge binary, a real mosquitto as the remote,
real MQTT clients (paho), HTTP through urllib.

Usage: api_system_test.py <scenario> <path to mqbridge>. Prints OK and exits 0 on success;
prints the failure and exits 1 otherwise. Ports come from the kernel; every wait is bounded.
"""
import base64
import json
import os
import queue
import random
import signal
import socket
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt

HOST = "127.0.0.1"
TIMEOUT = 15


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, what, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise Fail("timed out waiting for " + what)


def wait_port(port, timeout=TIMEOUT):
    def up():
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return True
        except OSError:
            return False
    wait_for(up, "port %d" % port, timeout)


class Mosquitto:
    """A mosquitto on a free port, optionally with a password file."""

    def __init__(self, work, users=None):
        self.port = free_port()
        conf = os.path.join(work, "mosquitto-%d.conf" % self.port)
        lines = ["listener %d %s" % (self.port, HOST)]
        if users:
            pw = os.path.join(work, "passwd-%d" % self.port)
            open(pw, "w").close()
            for u, p in users.items():
                subprocess.run(["mosquitto_passwd", "-b", pw, u, p], check=True)
            # mosquitto started as root reads its files as the mosquitto user.
            os.chmod(work, 0o755)
            os.chmod(pw, 0o644)
            lines += ["allow_anonymous false", "password_file " + pw]
        else:
            lines.append("allow_anonymous true")
        open(conf, "w").write("\n".join(lines) + "\n")
        self.log = open(os.path.join(work, "mosquitto-%d.log" % self.port), "w")
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_port(self.port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Bridge:
    """mqbridge run with a configuration that has no connectors: everything comes from the API."""

    def __init__(self, binary, work, extra_api=""):
        self.binary = binary
        self.work = work
        self.port = free_port()
        self.api_port = free_port()
        self.key, self.secret = "ops", "s3cret-ops-key"
        self.viewer = ("watcher", "s3cret-viewer-key")
        keys = os.path.join(work, "api_keys.bootstrap")
        with open(keys, "w") as f:
            f.write("# provisioning\n%s:%s\n%s:%s:viewer\n" % (self.key, self.secret, *self.viewer))
        self.config = os.path.join(work, "bridge.toml")
        with open(self.config, "w") as f:
            f.write('[node]\nname = "mqbridge@127.0.0.1"\ndata_dir = "%s"\n'
                    '[broker]\nlisteners = [{ bind = "127.0.0.1:%d" }]\n'
                    '[api]\nbind = "127.0.0.1:%d"\nbootstrap_file = "%s"\n%s'
                    % (os.path.join(work, "data"), self.port, self.api_port, keys, extra_api))
        self.proc = None
        self.start()

    def start(self):
        self.logf = open(os.path.join(self.work, "mqbridge.log"), "a")
        self.proc = subprocess.Popen([self.binary, "run", "-c", self.config], stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        wait_port(self.api_port)
        wait_port(self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            check(self.proc.wait(20) == 0, "mqbridge exits 0 on SIGTERM")
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        return open(os.path.join(self.work, "mqbridge.log")).read()

    def call(self, method, path, body=None, auth="admin", raw=None, headers=None):
        """Returns (status, parsed JSON or text)."""
        url = "http://%s:%d%s" % (HOST, self.api_port, path)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth == "admin":
            auth = (self.key, self.secret)
        elif auth == "viewer":
            auth = self.viewer
        if isinstance(auth, tuple):
            token = base64.b64encode(("%s:%s" % auth).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        elif isinstance(auth, str) and auth.startswith("Bearer "):
            req.add_header("Authorization", auth)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def ok(self, method, path, body=None, want=(200, 201, 204)):
        status, out = self.call(method, path, body)
        check(status in want, "%s %s: %s %s" % (method, path, status, out))
        return out


class Client:
    """A paho client collecting messages."""

    def __init__(self, port, client_id, sub=None, qos=1, login=None):
        self.messages = queue.Queue()
        self.c = mqtt.Client(client_id=client_id, clean_session=True)
        if login:
            self.c.username_pw_set(*login)
        self.c.on_message = lambda c, u, m: self.messages.put((m.topic, m.payload.decode()))
        ready = threading.Event()
        self.c.on_subscribe = lambda *a: ready.set()
        self.c.connect(HOST, port, 30)
        self.c.loop_start()
        if sub:
            self.c.subscribe(sub, qos)
            check(ready.wait(TIMEOUT), "SUBACK for " + sub)

    def publish(self, topic, payload, qos=1):
        info = self.c.publish(topic, payload, qos=qos)
        info.wait_for_publish(TIMEOUT)

    def get(self, timeout=TIMEOUT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise Fail("no message within %ss" % timeout)

    def close(self):
        self.c.loop_stop()
        self.c.disconnect()


def guide_objects(remote_port):
    connector = {"type": "mqtt", "name": "remote", "server": "127.0.0.1:%d" % remote_port,
                 "proto_ver": "v5", "pool_size": 4, "clientid_prefix": "myprefix",
                 "keepalive": "60s"}
    action = {"type": "mqtt", "name": "to_remote", "connector": "remote",
              "parameters": {"topic": "pub/${topic}", "qos": "${qos}",
                             "retain": "${flags.retain}", "payload": "${payload}"}}
    rule = {"id": "forward", "sql": 'SELECT topic, payload FROM "temp_hum/emqx"',
            "actions": ["mqtt:to_remote"]}
    source = {"type": "mqtt", "name": "from_remote", "connector": "remote",
              "parameters": {"topic": "temp_hum/emqx", "qos": 1}}
    ingest = {"id": "ingest", "sql": 'SELECT * FROM "$bridges/mqtt:from_remote"',
              "actions": [{"function": "republish",
                           "args": {"topic": "sub/${topic}", "qos": "${qos}",
                                    "retain": "${flags.retain}", "payload": "${payload}"}}]}
    return connector, action, rule, source, ingest


def both_flows(b, remote, tag, login=None):
    remote_sub = Client(remote.port, "remote-sub-" + tag, "pub/#", login=login)
    local_sub = Client(b.port, "local-sub-" + tag, "sub/#")
    local_pub = Client(b.port, "local-pub-" + tag)
    remote_pub = Client(remote.port, "remote-pub-" + tag, login=login)
    payload = '{"temp": 27.5, "hum": 41.8, "tag": "%s"}' % tag
    local_pub.publish("temp_hum/emqx", payload)
    check(remote_sub.get() == ("pub/temp_hum/emqx", payload), "sink flow delivers " + tag)
    remote_pub.publish("temp_hum/emqx", payload)
    got = local_sub.get()
    check(got == ("sub/temp_hum/emqx", payload), "source flow delivers %s: %r" % (tag, got))
    for c in (remote_sub, local_sub, local_pub, remote_pub):
        c.close()


LOGIN = ("tester", "tester-password")


def scenario_walkthrough(binary, work):
    """The guide's walkthrough through the API alone, then a restart that keeps every object."""
    remote = Mosquitto(work, users={"bridge": "right-password", "tester": "tester-password"})
    b = Bridge(binary, work)
    try:
        connector, action, rule, source, ingest = guide_objects(remote.port)
        connector.update({"username": "bridge", "password": "wrong-password"})
        status, out = b.call("POST", "/api/v5/connectors_probe", connector)
        check(status == 400 and out["code"] == "TEST_FAILED", "probe with a wrong password: %s %s" % (status, out))
        check("not authorized" in out["message"].lower() or "bad user" in out["message"].lower(),
              "the probe says why: %s" % out["message"])
        connector["password"] = "right-password"
        status, out = b.call("POST", "/api/v5/connectors_probe", connector)
        check(status == 204, "probe: connector available (%s %s)" % (status, out))
        created = b.ok("POST", "/api/v5/connectors", connector)
        check(created["password"] == "******", "secrets are never returned: %s" % created)
        check(created["pool_size"] == 4 and created["max_inflight"] == 32, "defaults filled in")
        b.ok("POST", "/api/v5/actions", action)
        status, out = b.call("POST", "/api/v5/rule_test",
                             {"sql": rule["sql"], "context": {"topic": "temp_hum/emqx",
                                                              "payload": '{"temp": 1}'}})
        check(status == 200 and out["topic"] == "temp_hum/emqx", "Try It Out: %s %s" % (status, out))
        # EMQX's tester contexts for events: event_type picks the event, its columns get examples.
        status, out = b.call("POST", "/api/v5/rule_test",
                             {"sql": 'SELECT clientid, reason FROM "$events/client_disconnected"',
                              "context": {"event_type": "client_disconnected", "clientid": "d1"}})
        check(status == 200 and out == {"clientid": "d1", "reason": "normal"},
              "event context: %s %s" % (status, out))
        status, out = b.call("POST", "/api/v5/rule_test",
                             {"sql": 'SELECT * FROM "$events/client_connected"',
                              "context": {"event_type": "no_such_event"}})
        check(status == 400 and "unknown event_type" in out["message"], "bad event_type: %s %s" % (status, out))
        events = b.ok("GET", "/api/v5/rule_events")
        names = [e["event"] for e in events]
        check("client.connected" in names and "delivery.dropped" in names and "message.publish" in names,
              "rule_events: %s" % names)
        connected = [e for e in events if e["event"] == "client.connected"][0]
        check(connected["topics"] == ["$events/client_connected", "$events/client/connected"]
              and "keepalive" in connected["columns"], "rule_events entry: %s" % connected)
        b.ok("POST", "/api/v5/rules", rule)
        b.ok("POST", "/api/v5/sources", source)
        b.ok("POST", "/api/v5/rules", ingest)
        wait_for(lambda: b.ok("GET", "/api/v5/connectors/mqtt:remote")["status"] == "connected",
                 "connector connected")
        c = b.ok("GET", "/api/v5/connectors/remote")
        check(c["node_status"][0]["node"] == "mqbridge@127.0.0.1", "node_status: %s" % c)
        check(c["actions"] == ["mqtt:to_remote"] and c["sources"] == ["mqtt:from_remote"], "users: %s" % c)
        check(c["config_origin"] == "api", "origin: %s" % c)
        both_flows(b, remote, "first", LOGIN)
        m = b.ok("GET", "/api/v5/rules/forward/metrics")
        check(m["metrics"]["matched"] == 1 and m["node_metrics"][0]["metrics"]["matched"] == 1, "rule metrics %s" % m)
        a = b.ok("GET", "/api/v5/actions/mqtt:to_remote/metrics")
        check(a["metrics"]["success"] == 1, "action metrics %s" % a)
        # GET, change a buffer setting, PUT the whole object back: nothing else is reset (the
        # console edits objects this way).
        obj = b.ok("GET", "/api/v5/actions/mqtt:to_remote")
        ro = obj["resource_opts"]
        check(ro["dispatch_strategy"] == "per_clientid" and ro["health_check_timeout"] == "1m"
              and "metrics_flush_interval" in ro, "action opts %s" % ro)
        ro["dispatch_strategy"] = "random"
        b.ok("PUT", "/api/v5/actions/mqtt:to_remote", obj)
        obj = b.ok("GET", "/api/v5/actions/mqtt:to_remote")
        b.ok("PUT", "/api/v5/actions/mqtt:to_remote", obj)
        ro = b.ok("GET", "/api/v5/actions/mqtt:to_remote")["resource_opts"]
        check(ro["dispatch_strategy"] == "random", "kept %s" % ro)
        rules = b.ok("GET", "/api/v5/rules?like_id=for")
        check([r["id"] for r in rules["data"]] == ["forward"] and rules["meta"]["count"] == 1, "filter %s" % rules)
        rules = b.ok("GET", "/api/v5/rules?match_from=$bridges/mqtt:from_remote")
        check([r["id"] for r in rules["data"]] == ["ingest"], "from filter %s" % rules)
        nodes = b.ok("GET", "/api/v5/nodes")
        check(nodes[0]["node"] == "mqbridge@127.0.0.1" and nodes[0]["connections"] >= 0, "nodes %s" % nodes)
        check("right-password" not in b.log() and b.secret not in b.log(), "no secret in the log")

        b.stop()
        b.start()
        wait_for(lambda: b.ok("GET", "/api/v5/connectors/remote")["status"] == "connected",
                 "connector connected after the restart")
        check(sorted(r["id"] for r in b.ok("GET", "/api/v5/rules")["data"]) == ["forward", "ingest"],
              "rules survive the restart")
        check([s["name"] for s in b.ok("GET", "/api/v5/sources")] == ["from_remote"], "sources survive")
        both_flows(b, remote, "second", LOGIN)
        # A PUT that sends "******" back keeps the stored password.
        c = b.ok("GET", "/api/v5/connectors/remote")
        c["pool_size"] = 2
        updated = b.ok("PUT", "/api/v5/connectors/mqtt:remote", c)
        check(updated["pool_size"] == 2, "update applied: %s" % updated)
        wait_for(lambda: b.ok("GET", "/api/v5/connectors/remote")["status"] == "connected",
                 "connected with the kept password")
        both_flows(b, remote, "third", LOGIN)
        # Disable, enable and reconnect; the action's probe follows the connector.
        b.ok("PUT", "/api/v5/connectors/remote/enable/false")
        c = b.ok("GET", "/api/v5/connectors/remote")
        check(c["status"] == "disconnected" and c["enable"] is False, "disabled: %s" % c)
        status, out = b.call("POST", "/api/v5/actions_probe", action)
        check(status == 400 and out["code"] == "TEST_FAILED", "probe of an action whose connector is off: %s %s" % (status, out))
        b.ok("PUT", "/api/v5/connectors/remote/enable/true")
        wait_for(lambda: b.ok("GET", "/api/v5/connectors/remote")["status"] == "connected", "enabled again")
        b.ok("POST", "/api/v5/connectors/remote/start")
        wait_for(lambda: b.ok("GET", "/api/v5/connectors/remote")["status"] == "connected", "reconnected")
        check(b.call("POST", "/api/v5/actions_probe", action)[0] == 204, "action probe passes")
        both_flows(b, remote, "fourth", LOGIN)
    finally:
        b.stop()
        remote.stop()


def scenario_errors(binary, work):
    """Every error path answers with a code and a message that says what is wrong."""
    remote = Mosquitto(work)
    b = Bridge(binary, work, extra_api='token_expiry = "1s"\nmax_failed_logins = 3\n')
    try:
        connector, action, rule, source, ingest = guide_objects(remote.port)

        def err(method, path, body, status, code, words, raw=None, auth="admin"):
            got, out = b.call(method, path, body, raw=raw, auth=auth)
            check(got == status and isinstance(out, dict) and out.get("code") == code,
                  "%s %s: want %s %s, got %s %s" % (method, path, status, code, got, out))
            check(words in out["message"], "%s %s: message %r lacks %r" % (method, path, out["message"], words))

        err("POST", "/api/v5/connectors", None, 400, "BAD_REQUEST", "invalid JSON", raw=b"{not json")
        err("POST", "/api/v5/connectors", dict(connector, pool_sise=3), 400, "BAD_REQUEST", "pool_sise")
        err("POST", "/api/v5/connectors", dict(connector, pool_size=0), 400, "BAD_REQUEST", "pool_size")
        err("POST", "/api/v5/connectors", dict(connector, type="kafka"), 400, "BAD_REQUEST", "type")
        err("POST", "/api/v5/actions", action, 400, "BAD_REQUEST", "no connector named \"remote\"")
        b.ok("POST", "/api/v5/connectors", connector)
        err("POST", "/api/v5/connectors", connector, 409, "ALREADY_EXISTS", "already exists")
        b.ok("POST", "/api/v5/actions", action)
        err("POST", "/api/v5/rules", {"id": "bad", "sql": "SELECT FROM WHERE", "actions": []},
            400, "BAD_REQUEST", "rules.bad.sql")
        err("POST", "/api/v5/rule_test", {"sql": "SELECT a FROM \"t\" WHERE", "context": {}},
            400, "BAD_REQUEST", "line 1")
        err("POST", "/api/v5/rule_test", {"sql": 'SELECT * FROM "t/#" WHERE payload.x > 5',
                                           "context": {"topic": "t/1", "payload": '{"x": 1}'}},
            412, "NOT_MATCH", "Not Match")
        err("GET", "/api/v5/connectors/mqtt:nope", None, 404, "NOT_FOUND", "not found")
        err("GET", "/api/v5/connectors/kafka:remote", None, 400, "BAD_REQUEST", "only mqtt")
        err("PUT", "/api/v5/connectors/remote/enable/maybe", None, 400, "BAD_REQUEST", "true or false")
        b.ok("POST", "/api/v5/rules", rule)
        err("DELETE", "/api/v5/connectors/remote", None, 400, "BAD_REQUEST", "action mqtt:to_remote")
        err("DELETE", "/api/v5/actions/to_remote", None, 400, "BAD_REQUEST", "forward")
        b.ok("DELETE", "/api/v5/actions/to_remote?also_delete_dep_actions=true")
        check(b.ok("GET", "/api/v5/rules/forward")["actions"] == [], "the rule lost the deleted action")
        # Credentials.
        err("GET", "/api/v5/rules", None, 401, "BAD_API_KEY_OR_SECRET", "wrong", auth=("ops", "nope"))
        err("POST", "/api/v5/rules", rule, 403, "FORBIDDEN", "viewer", auth="viewer")
        check(b.call("GET", "/api/v5/rules", auth="viewer")[0] == 200, "viewers read")
        # An API key made through the API: its secret is shown once and works with its role.
        key = b.ok("POST", "/api/v5/api_key", {"name": "ci", "role": "viewer", "desc": "ci reads"})
        creds = (key["api_key"], key["api_secret"])
        check(b.call("GET", "/api/v5/rules", auth=creds)[0] == 200, "the new key reads")
        err("DELETE", "/api/v5/rules/forward", None, 403, "FORBIDDEN", "viewer", auth=creds)
        listed = b.ok("GET", "/api/v5/api_key")
        check(any(k["name"] == "ci" for k in listed) and all("api_secret" not in k for k in listed),
              "keys are listed without secrets: %s" % listed)
        b.ok("DELETE", "/api/v5/api_key/ci")
        err("GET", "/api/v5/rules", None, 401, "BAD_API_KEY_OR_SECRET", "wrong", auth=creds)
        subprocess.run([binary, "admins", "add", "alice", "--password", "alice-password-1", "-c", b.config],
                       check=True, capture_output=True)
        # The running mqbridge sees the user at once.
        status, out = b.call("POST", "/api/v5/login", {"username": "alice", "password": "alice-password-1"}, auth=None)
        check(status == 200 and out["role"] == "administrator", "login %s %s" % (status, out))
        bearer = "Bearer " + out["token"]
        check(b.call("GET", "/api/v5/connectors", auth=bearer)[0] == 200, "the token works")
        # A user made through the API next to it keeps alice; a password set from the shell ends
        # alice's session.
        b.ok("POST", "/api/v5/users", {"username": "bob", "password": "bob-password-1", "role": "viewer"})
        subprocess.run([binary, "admins", "passwd", "alice", "--password", "alice-password-2", "-c", b.config],
                       check=True, capture_output=True)
        err("GET", "/api/v5/connectors", None, 401, "BAD_TOKEN", "", auth=bearer)
        names = sorted(u["username"] for u in b.ok("GET", "/api/v5/users"))
        check(names == ["alice", "bob"], "users after changes from both sides: %s" % names)
        err("DELETE", "/api/v5/users/nobody", None, 404, "NOT_FOUND", "user nobody not found")
        err("DELETE", "/api/v5/api_key/nothing", None, 404, "NOT_FOUND", "API key nothing not found")
        b.stop()
        b.start()  # everything survives a restart
        status, out = b.call("POST", "/api/v5/login", {"username": "alice", "password": "alice-password-2"}, auth=None)
        check(status == 200, "login with the new password %s %s" % (status, out))
        bearer = "Bearer " + out["token"]
        time.sleep(1.3)
        err("GET", "/api/v5/connectors", None, 401, "TOKEN_TIME_OUT", "expired", auth=bearer)
        for _ in range(3):
            err("POST", "/api/v5/login", {"username": "alice", "password": "wrong"}, 401,
                "BAD_USERNAME_OR_PWD", "failed", auth=None)
        err("POST", "/api/v5/login", {"username": "alice", "password": "alice-password-1"}, 429,
            "TOO_MANY_REQUESTS", "too many", auth=None)
        check(b.alive(), "mqbridge still runs")
    finally:
        b.stop()
        remote.stop()


def scenario_unauthenticated(binary, work):
    """Every route but the health check and login answers 401 without credentials; the web
    console's files need none."""
    b = Bridge(binary, work)
    try:
        spec = b.ok("GET", "/api/v5/openapi.json")
        count = 0
        for path, methods in spec["paths"].items():
            concrete = path.replace("{id}", "mqtt:x").replace("{enable}", "true")
            concrete = concrete.replace("{name}", "x").replace("{username}", "x").replace("{node}", "x")
            for method, info in methods.items():
                status, out = b.call(method.upper(), concrete, {} if method != "get" else None, auth=None)
                if info["x-access"] == "public":
                    check(status != 401, "%s %s is public" % (method, path))
                else:
                    check(status == 401, "%s %s without credentials: %s %s" % (method, path, status, out))
                    count += 1
        check(count >= 40, "the route table lists the endpoints (%d)" % count)
        # The web console's files are public and not API routes; the API still wants credentials.
        for path in ("/", "/index.html", "/assets/app.js", "/assets/app.css"):
            status, out = b.call("GET", path, auth=None)
            check(status == 200 and out, "GET %s without credentials: %s" % (path, status))
        check(not [p for p in spec["paths"] if p == "/" or p.startswith(("/index", "/assets/"))],
              "openapi.json lists no console file")
        status, out = b.call("GET", "/api/v5/connectors", auth=None)
        check(status == 401, "GET /api/v5/connectors without credentials: %s %s" % (status, out))
    finally:
        b.stop()


def stream(b, remote, n, rate, during):
    """Publishes n numbered QoS 1 messages at `rate` while `during()` runs in the middle; returns
    the set of numbers the remote subscriber received."""
    sub = Client(remote.port, "remote-sub", "pub/#")
    pub = Client(b.port, "numbered")
    got = set()
    done = threading.Event()

    def reader():
        while not done.is_set() or not sub.messages.empty():
            try:
                _, p = sub.messages.get(timeout=0.2)
                got.add(int(json.loads(p)["n"]))
            except queue.Empty:
                pass
    t = threading.Thread(target=reader)
    t.start()
    start = time.time()
    for i in range(n):
        if i == n // 2:
            during()
        pub.c.publish("temp_hum/emqx", json.dumps({"n": i}), qos=1)
        delay = start + (i + 1) / rate - time.time()
        if delay > 0:
            time.sleep(delay)
    wait_for(lambda: len(got) >= n, "every message at the remote (%d of %d)" % (len(got), n), 30)
    done.set()
    t.join()
    pub.close()
    sub.close()
    return got


def sink_flow(b, remote):
    """The guide's connector, a QoS 1 sink action and its rule; returns the connector body."""
    connector, action, rule, _, _ = guide_objects(remote.port)
    action["parameters"]["qos"] = 1
    b.ok("POST", "/api/v5/connectors", connector)
    b.ok("POST", "/api/v5/actions", action)
    b.ok("POST", "/api/v5/rules", rule)
    wait_for(lambda: b.ok("GET", "/api/v5/connectors/remote")["status"] == "connected", "connected")
    return connector


def scenario_update_midstream(binary, work):
    """A connector update in the middle of a QoS 1 stream loses nothing."""
    remote = Mosquitto(work)
    b = Bridge(binary, work)
    try:
        connector = sink_flow(b, remote)

        def update():
            c = b.ok("GET", "/api/v5/connectors/remote")
            c["pool_size"] = 2
            c["keepalive"] = "30s"
            b.ok("PUT", "/api/v5/connectors/remote", c)
        got = stream(b, remote, 2000, 1000, update)
        check(got == set(range(2000)), "missing: %s" % sorted(set(range(2000)) - got)[:20])
        check(b.ok("GET", "/api/v5/connectors/remote")["pool_size"] == 2, "new pool size")
        check("reconnecting its pool" in b.log(), "the pool was replaced")
    finally:
        b.stop()
        remote.stop()


def scenario_hostile(binary, work):
    """Malformed requests while traffic flows: nothing crashes and no message is lost."""
    remote = Mosquitto(work)
    b = Bridge(binary, work)
    try:
        connector = sink_flow(b, remote)
        rnd = random.Random(7)
        paths = [p for p in b.ok("GET", "/api/v5/openapi.json")["paths"]]
        stop = threading.Event()
        answered = []

        def junk():
            bodies = [b"", b"{", b"[]", b"null", b'{"name": 5}', b'{"name": "x", "server": []}',
                      b'{"sql": 1}', b'{"name": "' + b"A" * 5000 + b'"}', bytes(rnd.randrange(256) for _ in range(64)),
                      json.dumps(dict(connector, pool_size="many")).encode(),
                      json.dumps({"name": "r", "sql": "SELECT * FROM \"#\"", "actions": ["mqtt:none"]}).encode()]
            while not stop.is_set():
                path = rnd.choice(paths).replace("{id}", rnd.choice(["mqtt:remote", "x:y", "forward", "%00"]))
                path = path.replace("{enable}", rnd.choice(["true", "no"])).replace("{name}", "k")
                path = path.replace("{username}", "u").replace("{node}", "n")
                if "/start" in path or "enable/true" in path:
                    continue  # valid state changes are not junk
                method = rnd.choice(["GET", "POST", "PUT", "DELETE"])
                if method == "DELETE" and "remote" in path or "forward" in path or "to_remote" in path:
                    continue
                status, _ = b.call(method, path, raw=rnd.choice(bodies))
                answered.append(status)
        threads = [threading.Thread(target=junk) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            got = stream(b, remote, 1500, 1000, lambda: None)
        finally:
            stop.set()
            for t in threads:
                t.join()
        check(got == set(range(1500)), "missing: %s" % sorted(set(range(1500)) - got)[:20])
        check(b.alive(), "mqbridge survives")
        check(len(answered) > 50 and all(s < 500 for s in answered),
              "%d answers, server errors: %s" % (len(answered), [s for s in answered if s >= 500][:5]))
    finally:
        b.stop()
        remote.stop()


def main():
    scenario, binary = sys.argv[1], sys.argv[2]
    fn = globals().get("scenario_" + scenario)
    if fn is None:
        print("unknown scenario " + scenario)
        return 2
    work = tempfile.mkdtemp(prefix="mqb-api-")
    try:
        fn(binary, work)
    except Fail as e:
        print("FAIL: %s" % e)
        log = os.path.join(work, "mqbridge.log")
        if os.path.exists(log):
            print("--- mqbridge log (last 40 lines) ---")
            print("".join(open(log).readlines()[-40:]))
        return 1
    log = os.path.join(work, "mqbridge.log")
    if os.path.exists(log):  # what the run says about itself, for the test's output
        for line in open(log):
            if "configuration applied" in line:
                print(line.rstrip())
    shutil.rmtree(work, ignore_errors=True)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
