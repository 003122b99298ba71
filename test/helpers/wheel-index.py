# A local PEP 503 index for the Pipenv differential test (test/oracle/pipfile-lock.test.ts): pure-Python wheels
# written from JSON definitions on stdin ({"out": dir, "wheels": [{name, version, requires}], "extra": [paths]}),
# plus the extra wheels given (setuptools and wheel, for builds from git and path sources), each listed under its
# normalised name in <out>/simple/<name>/index.html with a relative link (the folder may move) and its sha256, as pip reads an index.
import base64
import hashlib
import json
import os
import re
import shutil
import sys
import zipfile


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def write_wheel(out, name, version, requires):
    dist = re.sub(r"[-.]+", "_", name)
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{dist.lower()}/__init__.py": b"",
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: sbom-hunt-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(c).digest()).rstrip(b'=').decode()},{len(c)}\n" for p, c in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    path = os.path.join(out, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as z:
        for p, c in files.items():
            z.writestr(zipfile.ZipInfo(p, (2020, 1, 1, 0, 0, 0)), c)
    return path


def main():
    spec = json.load(sys.stdin)
    out = spec["out"]
    wheels = os.path.join(out, "wheels")
    os.makedirs(wheels, exist_ok=True)
    paths = [write_wheel(wheels, w["name"], w["version"], w.get("requires", [])) for w in spec["wheels"]]
    for extra in spec.get("extra", []):
        paths.append(shutil.copy(extra, wheels))
    links = {}
    for path in paths:
        base = os.path.basename(path)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        links.setdefault(normalize(base.split("-")[0]), []).append(f'<a href="../../wheels/{base}#sha256={digest}">{base}</a><br/>')
    for name, items in links.items():
        os.makedirs(os.path.join(out, "simple", name), exist_ok=True)
        with open(os.path.join(out, "simple", name, "index.html"), "w") as f:
            f.write("<!DOCTYPE html><html><body>\n" + "\n".join(items) + "\n</body></html>\n")


main()
