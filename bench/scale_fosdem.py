"""Writes FOSDEM 2025's schedule.xml N times over: every event copied N times within its room,
each copy with a fresh GUID, id and slug, so an import sees N x 943 distinct sessions.

    python3 bench/scale_fosdem.py N OUT.xml
"""
import re
import sys
import uuid

n, out = int(sys.argv[1]), sys.argv[2]
text = open("data/schedules/fosdem-2025.schedule.xml", encoding="utf-8").read()
event = re.compile(r"(\s*<event guid=\"([^\"]+)\" id=\"(\d+)\">.*?</event>)", re.S)


def copies(m):
    body, guid, ident = m.group(1), m.group(2), m.group(3)
    parts = [body]
    for k in range(1, n):
        fresh = str(uuid.uuid5(uuid.UUID(guid), str(k)))
        c = body.replace(f'guid="{guid}"', f'guid="{fresh}"', 1)
        c = c.replace(f'id="{ident}"', f'id="{int(ident) + k * 1_000_000}"', 1)
        c = re.sub(r"<slug>([^<]*)</slug>", lambda s: f"<slug>{s.group(1)}-copy{k}</slug>", c, 1)
        parts.append(c)
    return "".join(parts)


open(out, "w", encoding="utf-8").write(event.sub(copies, text))
