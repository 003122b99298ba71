#!/usr/bin/env python3
"""The reference the bench measures sbom-hunt against: a matcher written the way the SBOM-monitoring guide's
monitor works. PyYAML with libyaml loads the IOC file, exact (name, version) pairs go in a set, every SBOM file
of a folder is json.load'ed and each package looked up. No ecosystems, no ranges, no paths: the floor a
purpose-built scanner is compared with.

Usage: reference-matcher.py SBOM_DIR IOC_FILE
Prints one JSON line: files, packages, hits and the sorted names of files with a hit.
"""
import json
import os
import sys

import yaml

if not getattr(yaml, "__with_libyaml__", False):
    sys.exit("reference-matcher: PyYAML was built without libyaml (Debian: apt-get install python3-yaml)")


def load_iocs(path):
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=yaml.CSafeLoader)
    return {(p["name"], str(p["version"])) for p in doc["packages"] if "version" in p}


def components(items):
    for c in items or []:
        yield c
        yield from components(c.get("components"))


def packages_of(doc):
    """(name, version) of each package in SPDX 2, CycloneDX or syft JSON."""
    if "spdxVersion" in doc:
        return ((p.get("name"), p.get("versionInfo")) for p in doc.get("packages", []))
    if doc.get("bomFormat") == "CycloneDX":
        return ((c.get("name"), c.get("version")) for c in components(doc.get("components")))
    return ((a.get("name"), a.get("version")) for a in doc.get("artifacts", []))


def main():
    folder, ioc_file = sys.argv[1], sys.argv[2]
    iocs = load_iocs(ioc_file)
    files = packages = hits = 0
    hit_files = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            doc = json.load(f)
        files += 1
        found = 0
        for pair in packages_of(doc):
            packages += 1
            if pair in iocs:
                found += 1
        if found:
            hits += found
            hit_files.append(name)
    print(json.dumps({"files": files, "packages": packages, "hits": hits, "hitFiles": hit_files}))


main()
