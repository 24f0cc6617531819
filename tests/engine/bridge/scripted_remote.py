"""A scripted MQTT 5.0 remote for the bridge tests (run with /usr/bin/python3).

Real brokers never answer PUBACK 0x91 (packet identifier in use) on demand, nor hold an
acknowledgement back for a chosen time; this server does, on a real socket:

  scripted_remote.py PORT in-use      the first PUBLISH of each payload gets PUBACK 0x91, a
                                      repeat of the same payload 0x00
  scripted_remote.py PORT slow MS     every PUBACK leaves MS milliseconds after its PUBLISH

It answers CONNECT (CONNACK 0), SUBSCRIBE (granted QoS 1), PINGREQ, and prints "READY" once
listening, then one line per PUBLISH: "PUBLISH <topic> <payload> <reason code>".
"""
import socket
import sys
import threading
import time

lock = threading.Lock()
seen = set()


def log(line):
    with lock:
        print(line, flush=True)


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def read_packet(sock):
    first = read_exact(sock, 1)[0]
    mult, length = 1, 0
    while True:
        b = read_exact(sock, 1)[0]
        length += (b & 0x7F) * mult
        if not b & 0x80:
            break
        mult *= 128
    return first, read_exact(sock, length)


def varint(data, pos):
    mult, value = 1, 0
    while True:
        b = data[pos]
        pos += 1
        value += (b & 0x7F) * mult
        if not b & 0x80:
            return value, pos
        mult *= 128


def serve(conn, mode, delay_ms):
    send_lock = threading.Lock()

    def send(data):
        with send_lock:
            conn.sendall(data)

    try:
        while True:
            first, body = read_packet(conn)
            kind = first >> 4
            if kind == 1:  # CONNECT
                send(bytes([0x20, 3, 0, 0, 0]))
            elif kind == 3:  # PUBLISH
                qos = (first >> 1) & 3
                tlen = int.from_bytes(body[0:2], "big")
                topic = body[2:2 + tlen].decode()
                pos = 2 + tlen
                pid = 0
                if qos > 0:
                    pid = int.from_bytes(body[pos:pos + 2], "big")
                    pos += 2
                plen, pos = varint(body, pos)
                payload = body[pos + plen:].decode("utf-8", "replace")
                rc = 0
                if mode == "in-use":
                    with lock:
                        if payload not in seen:
                            seen.add(payload)
                            rc = 0x91
                log("PUBLISH %s %s %d" % (topic, payload, rc))
                if qos == 1:
                    ack = bytes([0x40, 3]) + pid.to_bytes(2, "big") + bytes([rc])
                    if delay_ms > 0:
                        threading.Timer(delay_ms / 1000.0, send, args=(ack,)).start()
                    else:
                        send(ack)
            elif kind == 8:  # SUBSCRIBE
                pid = body[0:2]
                plen, pos = varint(body, 2)
                pos += plen
                codes = b""
                while pos < len(body):
                    tlen = int.from_bytes(body[pos:pos + 2], "big")
                    pos += 2 + tlen + 1
                    codes += bytes([1])
                send(bytes([0x90, 3 + len(codes)]) + pid + bytes([0]) + codes)
            elif kind == 12:  # PINGREQ
                send(bytes([0xD0, 0]))
            elif kind == 14:  # DISCONNECT
                break
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    port = int(sys.argv[1])
    mode = sys.argv[2]
    delay_ms = int(sys.argv[3]) if mode == "slow" else 0
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    log("READY")
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode, delay_ms), daemon=True).start()


if __name__ == "__main__":
    main()
