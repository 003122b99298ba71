# A local PEP 503 index for the Pipenv and Poetry differential tests (test/oracle/pipfile-lock.test.ts,
# poetry-lock.test.ts): pure-Python wheels written from JSON definitions on stdin ({"out": dir, "wheels": [{name,
# version, requires, sdist, yanked}], "extra": [paths]}), plus the extra wheels given (setuptools and wheel, for
# builds from git, path and sdist sources), each listed under its normalised name in <out>/simple/<name>/index.html
# with a relative link (the folder may move) and its sha256, as pip reads an index. `sdist: true` writes a source
# distribution (setuptools, with PKG-INFO) instead of a wheel; `yanked: "reason"` marks the file yanked (PEP 592).
import base64
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import tarfile
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


def write_sdist(out, name, version, requires):
    base = f"{re.sub(r'[-.]+', '_', name)}-{version}"
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    module = re.sub(r"[-.]+", "_", name).lower()
    files = {
        "PKG-INFO": pkg_info.encode(),
        "setup.py": f"from setuptools import setup\nsetup(name={name!r}, version={version!r}, py_modules=[{module!r}], install_requires={requires!r})\n".encode(),
        f"{module}.py": b"",
    }
    path = os.path.join(out, f"{base}.tar.gz")
    with tarfile.open(path, "w:gz") as t:
        for p, c in files.items():
            info = tarfile.TarInfo(f"{base}/{p}")
            info.size, info.mtime = len(c), 1577836800
            t.addfile(info, io.BytesIO(c))
    return path


def main():
    spec = json.load(sys.stdin)
    out = spec["out"]
    wheels = os.path.join(out, "wheels")
    os.makedirs(wheels, exist_ok=True)
    paths = [((write_sdist if w.get("sdist") else write_wheel)(wheels, w["name"], w["version"], w.get("requires", [])), w.get("yanked")) for w in spec["wheels"]]
    for extra in spec.get("extra", []):
        paths.append((shutil.copy(extra, wheels), None))
    links = {}
    for path, yanked in paths:
        base = os.path.basename(path)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        mark = "" if yanked is None else f' data-yanked="{html.escape(yanked)}"'
        links.setdefault(normalize(base.split("-")[0]), []).append(f'<a href="../../wheels/{base}#sha256={digest}"{mark}>{base}</a><br/>')
    for name, items in links.items():
        os.makedirs(os.path.join(out, "simple", name), exist_ok=True)
        with open(os.path.join(out, "simple", name, "index.html"), "w") as f:
            f.write("<!DOCTYPE html><html><body>\n" + "\n".join(items) + "\n</body></html>\n")


main()
