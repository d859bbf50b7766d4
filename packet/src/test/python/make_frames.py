#!/usr/bin/env python3
"""Prints the reference frames that Frames.java embeds as hex.

Standard library only, with its own RFC 1071 checksum (byte pairs, no tricks), so the
Java views are checked against an implementation that shares no code with them.
Run: python3 packet/src/test/python/make_frames.py
"""
import socket
import struct


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text: str) -> bytes:
    return bytes(int(b, 16) for b in text.split(":"))


def ip(text: str) -> bytes:
    return socket.inet_aton(text)


def eth(dst, src, ethertype, payload, pad=True):
    frame = mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload
    if pad and len(frame) < 60:
        frame += b"\x00" * (60 - len(frame))
    return frame


def ipv4(src, dst, proto, payload, ident, ttl=64, df=True):
    total = 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, 0x4000 if df else 0,
                      ttl, proto, 0, ip(src), ip(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def pseudo(src, dst, proto, length):
    return ip(src) + ip(dst) + struct.pack("!BBH", 0, proto, length)


def udp(src, dst, sport, dport, payload, checksum=True):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = 0
    if checksum:
        c = csum(pseudo(src, dst, 17, length) + hdr + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, c) + payload


def tcp_syn(src, dst, sport, dport, seq, window, options):
    off = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, off << 4, 0x02, window, 0, 0) + options
    c = csum(pseudo(src, dst, 6, len(hdr)) + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def icmp_echo(ident, seq, payload):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    c = csum(hdr + payload)
    return struct.pack("!BBHHH", 8, 0, c, ident, seq) + payload


def show(name, frame):
    print(f"{name} ({len(frame)} bytes):")
    h = frame.hex()
    for i in range(0, len(h), 32):
        print("  " + " ".join(h[j:j + 4] for j in range(i, min(i + 32, len(h)), 4)))


TASK_A, TASK_B = "02:42:0a:00:00:05", "02:42:0a:00:00:02"

arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(TASK_A), ip("10.0.0.5"),
                  b"\x00" * 6, ip("10.0.0.2"))
show("ARP request 10.0.0.5 who-has 10.0.0.2", eth("ff:ff:ff:ff:ff:ff", TASK_A, 0x0806, arp))

# ping-style data: an 8-byte timestamp, then 0x10..0x37 (48 bytes).
ping_payload = bytes.fromhex("5c1b6f6500000000") + bytes(range(0x10, 0x38))
echo = ipv4("10.0.0.5", "10.0.0.2", 1, icmp_echo(0x0d2a, 1, ping_payload), ident=0x1c46)
show("ICMP echo request 10.0.0.5 > 10.0.0.2 id 0x0d2a seq 1", eth(TASK_B, TASK_A, 0x0800, echo))

# Linux SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
opts = bytes.fromhex("020405b40402080a") + struct.pack("!II", 0x9a3c11f0, 0) + bytes.fromhex("01030307")
syn = ipv4("10.0.0.5", "10.0.0.2", 6,
           tcp_syn("10.0.0.5", "10.0.0.2", 43512, 80, 0x5e1a2b3c, 64240, opts), ident=0x4a2f)
show("TCP SYN 10.0.0.5:43512 > 10.0.0.2:80", eth(TASK_B, TASK_A, 0x0800, syn))

# DNS query: id 0xabcd, RD, one question example.com A IN (29 bytes: odd length).
dns = struct.pack("!HHHHHH", 0xABCD, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1)
query = ipv4("10.0.0.5", "127.0.0.11", 17, udp("10.0.0.5", "127.0.0.11", 53124, 53, dns), ident=0x7d01)
show("UDP DNS query 10.0.0.5:53124 > 127.0.0.11:53", eth(TASK_B, TASK_A, 0x0800, query))

# VXLAN (RFC 7348): the ICMP echo above, between underlay hosts, VNI 4097, UDP checksum zero.
inner = eth(TASK_B, TASK_A, 0x0800, echo, pad=False)
vxlan = struct.pack("!B3xI", 0x08, 4097 << 8) + inner
outer = ipv4("192.0.2.11", "192.0.2.21", 17, udp("192.0.2.11", "192.0.2.21", 51234, 4789, vxlan, checksum=False),
             ident=0x0000, df=False)
show("VXLAN VNI 4097 192.0.2.11 > 192.0.2.21", eth("02:42:c0:00:02:15", "02:42:c0:00:02:0b", 0x0800, outer))
