"""Small paho-mqtt client for the bridge system tests (run with /usr/bin/python3).

  sub HOST PORT FILTER QOS          prints READY after the SUBACK, then one line per message:
                                    "<topic> <payload>"; reconnects quickly and resubscribes
                                    after a broker restart; runs until killed.
  pub HOST PORT TOPIC QOS FIRST N INTERVAL_MS
                                    publishes payloads "FIRST" .. "FIRST+N-1" (decimal) with one
                                    client id, waits for every acknowledgement, prints DONE.
"""
import sys
import time

import paho.mqtt.client as mqtt


def sub(host, port, filt, qos):
    c = mqtt.Client(client_id="", clean_session=True)

    def on_connect(client, userdata, flags, rc):
        client.subscribe(filt, qos)

    def on_subscribe(client, userdata, mid, granted):
        print("READY", flush=True)

    def on_message(client, userdata, msg):
        print(msg.topic, msg.payload.decode("utf-8", "replace"), flush=True)

    c.on_connect = on_connect
    c.on_subscribe = on_subscribe
    c.on_message = on_message
    c.reconnect_delay_set(min_delay=0.05, max_delay=0.2)
    while True:
        try:
            c.connect(host, port, keepalive=10)
            break
        except OSError:
            time.sleep(0.05)
    c.loop_forever(retry_first_connection=True)


def pub(host, port, topic, qos, first, n, interval_ms):
    c = mqtt.Client(client_id="seq-publisher", clean_session=True)
    c.max_inflight_messages_set(1)  # the broker sees them strictly in order
    c.connect(host, port, keepalive=10)
    c.loop_start()
    infos = []
    for i in range(first, first + n):
        infos.append(c.publish(topic, str(i), qos))
        if interval_ms > 0:
            time.sleep(interval_ms / 1000.0)
    for info in infos:
        info.wait_for_publish()
    print("DONE", flush=True)
    c.disconnect()
    c.loop_stop()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "sub":
        sub(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif mode == "pub":
        pub(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]),
            int(sys.argv[7]), int(sys.argv[8]))
    else:
        sys.exit("unknown mode " + mode)
