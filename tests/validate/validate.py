"""The official validators, run by Hallway's test suite on what it exports.

  validate.py json-schema SCHEMA FILE      one document against a JSON schema, formats checked
  validate.py each-item SCHEMA FILE        every item of a JSON array against a JSON schema
  validate.py ical FILE                    an iCalendar file through icalendar and vobject, plus
                                           the RFC 5545 rules they do not enforce
  validate.py openapi FILE                 an OpenAPI document through openapi-spec-validator

Prints what is wrong and exits 1; prints "valid" and exits 0.
"""
import json
import re
import sys

import jsonschema
from jsonschema.validators import validator_for


def registry(schema_path):
    """Every schema beside SCHEMA, by its $id: c3voc's split schemas refer to each other."""
    from pathlib import Path

    from referencing import Registry, Resource

    resources = []
    for other in Path(schema_path).parent.glob("*.json"):
        contents = json.load(open(other, encoding="utf-8"))
        if "$id" in contents:
            resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def json_errors(schema_path, documents):
    schema = json.load(open(schema_path, encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(
        schema, format_checker=cls.FORMAT_CHECKER, registry=registry(schema_path)
    )
    errors = []
    for i, doc in documents:
        for e in validator.iter_errors(doc):
            where = "/".join(str(p) for p in e.absolute_path)
            errors.append(f"{i}{where}: {e.message[:300]}")
    return errors


def ical_errors(path):
    import icalendar
    import vobject

    raw = open(path, "rb").read()
    errors = []
    if b"\n" in raw.replace(b"\r\n", b""):
        errors.append("a line ends without CR LF")
    for n, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            errors.append(f"line {n} is {len(line)} octets long")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(f"line {n} splits a UTF-8 character")
    text = raw.decode("utf-8")
    cal = icalendar.Calendar.from_ical(text)
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    events = cal.walk("VEVENT")
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            if prop not in ev:
                errors.append(f"event {ev.get('UID')} has no {prop}")
        for prop in ("DTSTART", "DTEND"):
            if prop in ev:
                tzid = ev[prop].params.get("TZID")
                if tzid and tzid not in zones:
                    errors.append(f"event {ev.get('UID')}: TZID {tzid} has no VTIMEZONE")
    for z in cal.walk("VTIMEZONE"):
        if not z.walk("STANDARD") and not z.walk("DAYLIGHT"):
            errors.append(f"VTIMEZONE {z['TZID']} has neither STANDARD nor DAYLIGHT")
    for prop in ("VERSION", "PRODID"):
        if prop not in cal:
            errors.append(f"the calendar has no {prop}")
    parsed = vobject.readOne(text, validate=True)
    if len(parsed.contents.get("vevent", [])) != len(events):
        errors.append("vobject and icalendar see different numbers of events")
    # In TEXT values a backslash only escapes a backslash, ';', ',' or a newline.
    for n, content in enumerate(text.replace("\r\n ", "").split("\r\n"), 1):
        name = re.split(r"[;:]", content, maxsplit=1)[0]
        if name in ("SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES", "X-WR-CALNAME"):
            value = content.split(":", 1)[1]
            if re.search(r"\\(?![\\;,nN])", re.sub(r"\\\\", "", value)):
                errors.append(f"content line {n}: a stray backslash in {name}")
    return errors


def openapi_errors(path):
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(path)
    if not str(spec.get("openapi", "")).startswith("3.1"):
        return [f"openapi: {spec.get('openapi')!r}, not 3.1"]
    try:
        validate(spec)
    except Exception as e:  # the validator raises its own error types; each is a finding
        return [str(e)[:2000]]
    return []


def main():
    command, *args = sys.argv[1:]
    if command == "json-schema":
        schema, path = args
        errors = json_errors(schema, [("", json.load(open(path, encoding="utf-8")))])
    elif command == "each-item":
        schema, path = args
        items = json.load(open(path, encoding="utf-8"))
        if not isinstance(items, list) or not items:
            errors = ["not a non-empty JSON array"]
        else:
            errors = json_errors(schema, [(f"[{i}]/", x) for i, x in enumerate(items)])
    elif command == "ical":
        (path,) = args
        errors = ical_errors(path)
    elif command == "openapi":
        (path,) = args
        errors = openapi_errors(path)
    else:
        sys.exit(f"unknown command {command}")
    if errors:
        print(f"{len(errors)} errors")
        for e in errors[:50]:
            print(e)
        sys.exit(1)
    print("valid")


if __name__ == "__main__":
    main()
