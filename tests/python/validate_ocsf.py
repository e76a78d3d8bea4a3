"""Validates an OCSF report (a JSON array of events, on stdin or in the file named by the
first argument) against the official OCSF schema, with tools this project did not write:
the schema export the `ocsf-json-schema` package ships for the version each event names,
turned into a JSON Schema (draft 2020-12) for the event's class and profiles, checked by
`jsonschema`. Prints the number of valid events, by severity and by rule; exits 1 naming every error otherwise.
"""

import collections
import json
import sys

import jsonschema
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    events = json.loads(text)
    if not isinstance(events, list):
        print("not a JSON array of events", file=sys.stderr)
        return 1
    schemas = {}
    validators = {}
    errors = []
    for i, event in enumerate(events):
        version = event.get("metadata", {}).get("version")
        profiles = sorted(event.get("metadata", {}).get("profiles", []))
        key = (version, event.get("class_uid"), tuple(profiles))
        if key not in validators:
            if version not in schemas:
                schemas[version] = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
            ocsf = schemas[version]
            class_name = ocsf.lookup_class_name_from_uid(class_uid=event["class_uid"])
            schema = ocsf.get_class_schema(class_name=class_name, profiles=profiles)
            jsonschema.Draft202012Validator.check_schema(schema)
            validators[key] = jsonschema.Draft202012Validator(schema)
        for e in validators[key].iter_errors(event):
            path = "/".join(str(p) for p in e.absolute_path)
            errors.append(f"event {i} ({event.get('finding_info', {}).get('uid')}): /{path}: {e.message}")
    if errors:
        print(f"{len(errors)} OCSF schema error(s):", file=sys.stderr)
        for e in errors[:50]:
            print("  " + e, file=sys.stderr)
        return 1
    classes = sorted({k[1] for k in validators})
    by_severity = collections.Counter(e["severity"].lower() for e in events)
    by_rule = collections.Counter(e["finding_info"]["analytic"]["uid"] for e in events)
    print(
        json.dumps(
            {
                "count": len(events),
                "classes": classes,
                "versions": sorted(schemas),
                "by_severity": dict(by_severity),
                "by_rule": dict(by_rule),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
