"""Scenarios run with paho-mqtt (1.6) against the embedded broker.

Usage: paho_scenarios.py <scenario> <port>. Prints OK and exits 0 on success; prints the failure
and exits 1 otherwise. Each scenario waits on events (with timeouts), never on fixed sleeps,
except where the point is that nothing arrives.
"""
import queue
import socket
import struct
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

HOST = "127.0.0.1"
PORT = 0
TIMEOUT = 10


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


class C:
    """A paho client with blocking helpers."""

    def __init__(self, client_id, v5=False, clean=True, will=None, keepalive=30,
                 connect_props=None):
        self.v5 = v5
        proto = mqtt.MQTTv5 if v5 else mqtt.MQTTv311
        if v5:
            self.c = mqtt.Client(client_id=client_id, protocol=proto)
        else:
            self.c = mqtt.Client(client_id=client_id, clean_session=clean, protocol=proto)
        self.messages = queue.Queue()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.disconnect_rc = None
        self.flags = None
        self.rc = None
        self.subacks = queue.Queue()
        self.published = set()
        self.pub_lock = threading.Condition()
        self.c.on_connect = self._on_connect
        self.c.on_message = lambda c, u, m: self.messages.put(m)
        self.c.on_disconnect = self._on_disconnect
        self.c.on_subscribe = lambda c, u, mid, granted, *rest: self.subacks.put(granted)
        self.c.on_publish = self._on_publish
        if will:
            topic, payload, qos, props = will
            self.c.will_set(topic, payload, qos=qos, properties=props)
        if v5:
            self.c.connect(HOST, PORT, keepalive, clean_start=clean, properties=connect_props)
        else:
            self.c.connect(HOST, PORT, keepalive)
        self.c.loop_start()
        check(self.connected.wait(TIMEOUT), f"{client_id}: no CONNACK")

    def _on_connect(self, c, u, flags, rc, props=None):
        self.flags, self.rc = flags, rc
        self.connected.set()

    def _on_disconnect(self, c, u, rc, props=None):
        self.disconnect_rc = rc
        self.disconnected.set()

    def _on_publish(self, c, u, mid):
        with self.pub_lock:
            self.published.add(mid)
            self.pub_lock.notify_all()

    def sub(self, topic, qos=0, **opts):
        if self.v5:
            props = opts.pop("props", None)
            self.c.subscribe(topic, options=SubscribeOptions(qos=qos, **opts), properties=props)
        else:
            self.c.subscribe(topic, qos)
        granted = self.subacks.get(timeout=TIMEOUT)
        return granted

    def pub(self, topic, payload, qos=0, retain=False, props=None):
        info = self.c.publish(topic, payload, qos=qos, retain=retain, properties=props)
        deadline = time.time() + TIMEOUT
        with self.pub_lock:
            while info.mid not in self.published:
                check(time.time() < deadline, f"publish {topic} not acknowledged")
                self.pub_lock.wait(0.1)

    def get(self, timeout=TIMEOUT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise Fail("no message")

    def none(self, wait=0.3):
        try:
            m = self.messages.get(timeout=wait)
            raise Fail(f"unexpected message on {m.topic}: {m.payload!r}")
        except queue.Empty:
            pass

    def kill(self):
        """Drops the TCP connection without DISCONNECT."""
        self.c.loop_stop()
        self.c.socket().shutdown(socket.SHUT_RDWR)
        self.c.socket().close()

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def retained(v5):
    p = C("r-pub", v5)
    p.pub("ret/a", b"A", qos=1, retain=True)
    p.pub("ret/b", b"B", qos=0, retain=True)
    s = C("r-sub", v5)
    s.sub("ret/#", 1)
    got = sorted((m.topic, m.payload, m.retain) for m in (s.get(), s.get()))
    check(got == [("ret/a", b"A", True), ("ret/b", b"B", True)], f"retained: {got}")
    p.pub("ret/a", b"", qos=1, retain=True)  # clear
    m = s.get()
    check(m.payload == b"", "clearing message is delivered")
    s2 = C("r-sub2", v5)
    s2.sub("ret/#", 1)
    m = s2.get()
    check((m.topic, m.payload) == ("ret/b", b"B"), "only ret/b remains")
    s2.none()
    for c in (p, s, s2):
        c.close()


def will(v5):
    w = C("w-watch", v5)
    w.sub("wills/#", 1)
    props = None
    if v5:
        props = Properties(PacketTypes.WILLMESSAGE)
        props.UserProperty = ("why", "gone")
    a = C("w-a", v5, will=("wills/a", b"a died", 1, props))
    a.kill()
    m = w.get()
    check((m.topic, m.payload) == ("wills/a", b"a died"), "will delivered")
    if v5:
        check(("why", "gone") in (m.properties.UserProperty or []), "will user property")
    b = C("w-b", v5, will=("wills/b", b"b died", 1, props))
    b.close()
    w.none()
    w.close()


def will_delay():
    w = C("wd-watch", True)
    w.sub("wd/#", 1)
    props = Properties(PacketTypes.WILLMESSAGE)
    props.WillDelayInterval = 1
    cp = Properties(PacketTypes.CONNECT)
    cp.SessionExpiryInterval = 60
    a = C("wd-a", True, clean=False, will=("wd/a", b"late", 1, props), connect_props=cp)
    start = time.time()
    a.kill()
    m = w.get(timeout=5)
    elapsed = time.time() - start
    check(m.payload == b"late", "delayed will")
    check(elapsed >= 0.9, f"will came after {elapsed:.2f}s, expected >= 1s")
    w.close()


def session(v5):
    cp = None
    if v5:
        cp = Properties(PacketTypes.CONNECT)
        cp.SessionExpiryInterval = 300
    s = C("sess", v5, clean=False, connect_props=cp)
    s.sub("sess/t", 1)
    s.close()
    p = C("sess-pub", v5)
    p.pub("sess/t", b"while away", qos=1)
    s2 = C("sess", v5, clean=False, connect_props=cp)
    present = s2.flags["session present"]
    check(present, "session present")
    m = s2.get()
    check(m.payload == b"while away" and m.qos == 1, "queued message delivered on resume")
    s2.close()
    p.close()


def qos2(v5):
    s = C("q2-sub", v5)
    s.sub("q2/t", 2)
    p = C("q2-pub", v5)
    for i in range(20):
        p.pub("q2/t", str(i).encode(), qos=2)
    got = [s.get() for _ in range(20)]
    check([m.payload for m in got] == [str(i).encode() for i in range(20)], "in order, once")
    check(all(m.qos == 2 for m in got), "QoS 2 end to end")
    s.none()
    s.close()
    p.close()


def shared():
    a = C("sh-a", True)
    b = C("sh-b", True)
    a.sub("$share/g/sh/#", 1)
    b.sub("$share/g/sh/#", 1)
    p = C("sh-p", True)
    for i in range(10):
        p.pub("sh/x", str(i).encode(), qos=1)
    na = nb = 0
    deadline = time.time() + TIMEOUT
    while na + nb < 10 and time.time() < deadline:
        try:
            a.messages.get(timeout=0.05)
            na += 1
        except queue.Empty:
            pass
        try:
            b.messages.get(timeout=0.05)
            nb += 1
        except queue.Empty:
            pass
    check((na, nb) == (5, 5), f"round robin: {na}/{nb}")
    for c in (a, b, p):
        c.close()


def takeover():
    a = C("same-id", True)
    b = C("same-id", True)
    check(a.disconnected.wait(TIMEOUT), "old connection closed")
    check(a.disconnect_rc == 142, f"reason code {a.disconnect_rc}, want 142 session taken over")
    b.sub("tk", 0)
    b.pub("tk", b"x")
    check(b.get().payload == b"x", "new connection works")
    b.close()


def v5features():
    s = C("v5-sub", True)
    sp = Properties(PacketTypes.SUBSCRIBE)
    sp.SubscriptionIdentifier = 42
    s.sub("v5/+", 1, props=sp)
    s.sub("v5/nl", 0, noLocal=True)
    p = C("v5-pub", True)
    pp = Properties(PacketTypes.PUBLISH)
    pp.UserProperty = [("a", "1"), ("b", "2")]
    pp.MessageExpiryInterval = 120
    pp.ContentType = "text/plain"
    pp.ResponseTopic = "v5/reply"
    pp.CorrelationData = b"\x01\x02"
    p.pub("v5/x", b"props", qos=1, props=pp)
    m = s.get()
    props = m.properties
    check(props.UserProperty == [("a", "1"), ("b", "2")], f"user properties {props.UserProperty}")
    check(props.SubscriptionIdentifier == [42], f"subscription id {props.SubscriptionIdentifier}")
    check(0 < props.MessageExpiryInterval <= 120, "expiry")
    check(props.ContentType == "text/plain" and props.ResponseTopic == "v5/reply", "content type")
    check(props.CorrelationData == b"\x01\x02", "correlation data")
    # no_local: our own publish to v5/nl is not echoed (v5/+ matches it too, though).
    s.pub("v5/nl", b"mine", qos=1)
    m = s.get()
    check(m.topic == "v5/nl" and m.properties.SubscriptionIdentifier == [42], "only via v5/+")
    s.none()
    # Topic alias: the client sends an alias, the broker resolves it.
    ap = Properties(PacketTypes.PUBLISH)
    ap.TopicAlias = 3
    p.pub("v5/alias", b"first", props=ap)
    p.pub("", b"second", props=ap)
    got = [s.get(), s.get()]
    check([(m.topic, m.payload) for m in got] == [("v5/alias", b"first"), ("v5/alias", b"second")],
          "topic alias")
    s.close()
    p.close()


def keepalive():
    # A raw 5.0 client with keep-alive 1 s that then stays silent.
    sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
    body = b"\x00\x04MQTT\x05\x02\x00\x01\x00\x00\x02ka"
    sock.sendall(b"\x10" + bytes([len(body)]) + body)
    connack = sock.recv(64)
    check(connack[:1] == b"\x20", "connack")
    start = time.time()
    data = b""
    while True:
        chunk = sock.recv(64)
        if not chunk:
            break
        data += chunk
    elapsed = time.time() - start
    check(data[:1] == b"\xe0" and data[2:3] == b"\x8d", f"DISCONNECT 0x8D, got {data!r}")
    check(1.2 <= elapsed <= 3.5, f"closed after {elapsed:.2f}s")


SCENARIOS = {
    "retained311": lambda: retained(False),
    "retained5": lambda: retained(True),
    "will311": lambda: will(False),
    "will5": lambda: will(True),
    "will_delay": will_delay,
    "session311": lambda: session(False),
    "session5": lambda: session(True),
    "qos2_311": lambda: qos2(False),
    "qos2_5": lambda: qos2(True),
    "shared": shared,
    "takeover": takeover,
    "v5features": v5features,
    "keepalive": keepalive,
}


def main():
    global PORT
    PORT = int(sys.argv[2])
    try:
        SCENARIOS[sys.argv[1]]()
    except Fail as e:
        print("FAIL:", e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
