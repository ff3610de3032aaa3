#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tiny TCP throughput and connection-latency tool for bench/net.sh.

Servers (print "ready" once listening, serve, exit):
  source PORT NBYTES   send NBYTES to one client, close
  sink PORT            read one client to EOF, close
  echo PORT COUNT      COUNT sequential connections: read 1 byte, echo it
Clients (print one result line):
  recv HOST PORT       read to EOF: "BYTES SECONDS"
  send HOST PORT N     send N bytes, half-close, wait for the peer's close:
                       "BYTES SECONDS"
  ping HOST PORT COUNT connect + 1-byte round trip COUNT times:
                       "median_us p90_us"
"""
import socket
import sys
import time

CHUNK = 1 << 20


def listen(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    print("ready", flush=True)
    return s


def main(argv):
    mode = argv[1]
    if mode == "source":
        srv = listen(int(argv[2]))
        c, _ = srv.accept()
        left = int(argv[3])
        buf = b"\0" * CHUNK
        while left:
            n = c.send(buf[:min(left, CHUNK)])
            left -= n
        c.close()
    elif mode == "sink":
        srv = listen(int(argv[2]))
        c, _ = srv.accept()
        while c.recv(CHUNK):
            pass
        c.close()
    elif mode == "echo":
        srv = listen(int(argv[2]))
        for _ in range(int(argv[3])):
            c, _ = srv.accept()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c.sendall(c.recv(1))
            c.close()
    elif mode == "recv":
        c = socket.create_connection((argv[2], int(argv[3])))
        t0 = time.perf_counter()
        total = 0
        while True:
            b = c.recv(CHUNK)
            if not b:
                break
            total += len(b)
        print(total, time.perf_counter() - t0)
    elif mode == "send":
        c = socket.create_connection((argv[2], int(argv[3])))
        t0 = time.perf_counter()
        left = total = int(argv[4])
        buf = b"\0" * CHUNK
        while left:
            left -= c.send(buf[:min(left, CHUNK)])
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        print(total, time.perf_counter() - t0)
    elif mode == "ping":
        lat = []
        for _ in range(int(argv[4])):
            t0 = time.perf_counter()
            c = socket.create_connection((argv[2], int(argv[3])))
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c.sendall(b"x")
            c.recv(1)
            lat.append(time.perf_counter() - t0)
            c.close()
        lat.sort()
        print(int(lat[len(lat) // 2] * 1e6), int(lat[len(lat) * 9 // 10] * 1e6))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
