#!/usr/bin/env python3
"""Writes assets/phone-zones.bin: libphonenumber's phone-prefix -> timezone
map (resources/timezones/map_data.txt, as the PyPI package `phonenumbers`
ships it in `phonenumbers.tzdata`), with each zone written under its
current tz database name (`Asia/Calcutta` -> `Asia/Kolkata`,
`Europe/Guernsey` -> `Europe/London`: the `backward` links beside this
script), so that one place is one group. Read by
`src/domain/phone/zones.rs`.

Run it again when libphonenumber's data should be newer (no network but a
package registry is needed):

    pip download phonenumbers==9.0.43 --no-deps -d /tmp/pn
    python3 assets/tzdata/phone_zones.py /tmp/pn/phonenumbers-9.0.43-py2.py3-none-any.whl \
        assets/phone-zones.bin

then `cargo test --lib domain::phone::zones` (known entries, and every
zone one chrono-tz knows).

Layout (all integers little-endian):
    b"WPZ1"
    u16 zones,   then each zone's name: u8 length, ASCII bytes
    u16 sets,    then each set of zones: u8 count, u16 zone index each
    u32 entries, then each entry, sorted by prefix: u32 prefix (the
                 digits as a number: a prefix never starts with 0, so the
                 number says which digits), u16 set index
"""
import os
import struct
import sys


def links(backward):
    """Old name -> current name, from the tz database's `backward`."""
    out = {}
    with open(backward, encoding="utf-8") as f:
        for line in f:
            parts = line.split("#", 1)[0].split()
            if len(parts) == 3 and parts[0] == "Link":
                out[parts[2]] = parts[1]
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: phone_zones.py <phonenumbers wheel or directory> <out.bin>")
    sys.path.insert(0, sys.argv[1])
    from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

    assert TIMEZONE_LONGEST_PREFIX <= 9, "a prefix must fit a u32"
    link = links(os.path.join(os.path.dirname(os.path.abspath(__file__)), "backward"))
    zones, zone_index = [], {}
    sets, set_index = [], {}
    entries = []
    for prefix, names in TIMEZONE_DATA.items():
        assert prefix.isdigit() and prefix[0] != "0", prefix
        current = []
        for name in names:
            name = link.get(name, name)
            if name not in current:
                current.append(name)
        ids = []
        for name in sorted(current):
            if name not in zone_index:
                zone_index[name] = len(zones)
                zones.append(name)
            ids.append(zone_index[name])
        key = tuple(ids)
        if key not in set_index:
            set_index[key] = len(sets)
            sets.append(key)
        entries.append((int(prefix), set_index[key]))
    entries.sort()

    out = bytearray(b"WPZ1")
    out += struct.pack("<H", len(zones))
    for name in zones:
        raw = name.encode("ascii")
        out += struct.pack("<B", len(raw)) + raw
    out += struct.pack("<H", len(sets))
    for ids in sets:
        out += struct.pack("<B", len(ids))
        for i in ids:
            out += struct.pack("<H", i)
    out += struct.pack("<I", len(entries))
    for prefix, s in entries:
        out += struct.pack("<IH", prefix, s)
    with open(sys.argv[2], "wb") as f:
        f.write(out)
    print(f"{sys.argv[2]}: {len(entries)} prefixes, {len(zones)} zones, "
          f"{len(sets)} sets of zones, {len(out)} bytes")


if __name__ == "__main__":
    main()
