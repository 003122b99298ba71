// An image built by real tools with Python distributions inside: Debian's buildah runs this machine's Debian
// python3 (its /usr bind-mounted read-only at /host/usr, never part of a layer) to make a venv in the image, then
// the real pip installs wheels written here per the wheel spec (no network: --no-index, --find-links over a
// bind-mounted folder) and an sdist the real setuptools made, into the venv and with --target into a folder a .pth
// file puts on the path; the real setuptools installs an egg-info folder (--single-version-externally-managed), a
// zipped and a folder .egg (easy_install, listed in easy-install.pth), a PEP 660 editable install and a
// `setup.py develop` (an egg-info beside its source, on the path through easy-install.pth). The second step
// uninstalls two and upgrades one under a differently spelled name (Foo_Bar 1.0 -> foo-bar 2.0), so their metadata
// is in a deleted layer's files alone. After each step Python's own importlib.metadata runs inside the image
// (buildah run) over the venv's site-packages and what its .pth files add (site.addsitedir), which is what Python
// itself lists. A zip on a .pth line (/opt/lib.zip) and one on PYTHONPATH (/opt/deps, no extension), both made by
// Python's own zipfile from pip --target folders, are on the path; a wheel in /usr/share/python-wheels is not. The
// second step deletes /opt/lib.zip (its .pth line stays, naming nothing).
// Built once per key, cached.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildahSteps, writeBaseTar } from './buildah-steps.js';
import { zipFiles } from './image-builder.js';
import { cachedBuild } from './real-tools.js';

const PYTHON = '/usr/bin/python3';

interface Wheel {
  /** The wheel's file name stem and dist-info stem (`Foo_Bar-1.0`). */
  stem: string;
  metadata: string;
  files: Record<string, string>;
}

const WHEELS: Wheel[] = [
  // Header names in lower case, and a name spelled unnormalised.
  { stem: 'Foo_Bar-1.0', metadata: 'metadata-version: 2.1\nname: Foo_Bar\nversion: 1.0\n', files: { 'foo_bar/__init__.py': '' } },
  // The same project spelled normalised: pip upgrades Foo_Bar 1.0 to it.
  { stem: 'foo_bar-2.0', metadata: 'Metadata-Version: 2.1\nName: foo-bar\nVersion: 2.0\n', files: { 'foo_bar/__init__.py': 'V = 2\n' } },
  // A .pth file that runs code at start-up, as litellm 1.82.8's litellm_init.pth did.
  { stem: 'litellm-1.82.7', metadata: 'Metadata-Version: 2.1\nName: litellm\nVersion: 1.82.7\nSummary: x\n  continued\n', files: { 'litellm/__init__.py': '', 'litellm_init.pth': 'import os\n' } },
  // Not a name Debian's python3 has in its own site-packages (pip would find it there and install nothing).
  { stem: 'doomed-0.1', metadata: 'Metadata-Version: 2.1\nName: doomed\nVersion: 0.1\n', files: { 'doomed.py': '' } },
  // A .pth file that puts another folder on the path (pip installs `plugin` there with --target).
  { stem: 'pathy-1.0', metadata: 'Metadata-Version: 2.1\nName: pathy\nVersion: 1.0\n', files: { 'pathy.pth': '/opt/plugins\n' } },
  { stem: 'plugin-0.3', metadata: 'Metadata-Version: 2.1\nName: Plugin\nVersion: 0.3\n', files: { 'plugin/__init__.py': '' } },
  // Installed with --target into folders then zipped: /opt/lib.zip on a .pth line, /opt/deps (no extension) on PYTHONPATH.
  { stem: 'zipped-0.5', metadata: 'Metadata-Version: 2.1\nName: zipped\nVersion: 0.5\n', files: { 'zipped/__init__.py': '' } },
  { stem: 'deppy-1.0', metadata: 'Metadata-Version: 2.1\nName: deppy\nVersion: 1.0\n', files: { 'deppy/__init__.py': '' } },
  // Only copied into /usr/share/python-wheels, as Debian's python3-pip-whl ships wheels: on no sys.path, not installed.
  { stem: 'shelved-0.2', metadata: 'Metadata-Version: 2.1\nName: shelved\nVersion: 0.2\n', files: { 'shelved/__init__.py': '' } },
];

/** setup.py projects: the sdist one is built here, the others are installed by setuptools inside the image. */
const SETUPS: Record<string, string> = {
  'acme.http': "setup(name='acme.http', version='3.0', py_modules=['acme_http'])",
  oldegg: "setup(name='OldEgg', version='0.9', py_modules=['oldegg'])",
  zipegg: "setup(name='zipegg', version='1.1', py_modules=['zipegg'], zip_safe=True)",
  diregg: "setup(name='DirEgg', version='2.2', py_modules=['diregg'], zip_safe=False)",
  edit: "setup(name='edit_me', version='5.0', py_modules=['edit_me'])",
  dev: "setup(name='dev-tool', version='0.0.1.dev3', py_modules=['dev_tool'])",
};

const PIP = 'python3 -m pip install --no-index --find-links /wheels';
const WHEELS_MOUNT = '--mount=type=bind,source=wheels,target=/wheels';
const STEPS = [
  `FROM scratch
ADD base.tar /
ENV PATH=/opt/venv/bin:/host/usr/bin:/bin LD_LIBRARY_PATH=/host/usr/lib/x86_64-linux-gnu HOME=/root PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY pysrc/dev /src/dev
COPY pysrc/edit /src/edit
RUN /host/usr/bin/python3 -m venv --without-pip --system-site-packages /opt/venv
RUN ${WHEELS_MOUNT} ${PIP} --no-compile Foo_Bar==1.0 litellm==1.82.7 doomed==0.1 pathy==1.0
RUN ${WHEELS_MOUNT} ${PIP} --no-compile --target /opt/plugins plugin==0.3
RUN ${WHEELS_MOUNT} ${PIP} --no-compile --target /tmp/z zipped==0.5 && ${PIP} --no-compile --target /tmp/d deppy==1.0 && cd /tmp/z && python3 -m zipfile -c /opt/lib.zip * && cd /tmp/d && python3 -m zipfile -c /opt/deps * && rm -rf /tmp/z /tmp/d && echo /opt/lib.zip > "$(python3 -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/zips.pth" && mkdir -p /usr/share/python-wheels && cp /wheels/shelved-0.2-py3-none-any.whl /usr/share/python-wheels/
ENV PYTHONPATH=/opt/deps
RUN ${WHEELS_MOUNT} ${PIP} --no-compile --no-build-isolation /wheels/acme.http-3.0.tar.gz
RUN cd /src/dev && python3 setup.py -q develop && rm -rf /src/dev/build
RUN python3 -m pip install --no-index --no-compile --no-build-isolation -e /src/edit && rm -rf /src/edit/build
RUN --mount=type=bind,source=pysrc,target=/pysrc mkdir /tmp/eggs && cp -r /pysrc/oldegg /pysrc/zipegg /pysrc/diregg /tmp/eggs/ && cd /tmp/eggs/oldegg && python3 setup.py -q install --single-version-externally-managed --record /tmp/eggs/record.txt && cd /tmp/eggs/zipegg && python3 setup.py -q install && cd /tmp/eggs/diregg && python3 setup.py -q install && cd / && rm -rf /tmp/eggs`,
  `FROM localhost/py:1
RUN python3 -m pip uninstall -y doomed OldEgg && rm /opt/lib.zip
RUN ${WHEELS_MOUNT} ${PIP} --no-compile --upgrade foo-bar==2.0`,
];

/**
 * Inside the image: what importlib.metadata lists over PYTHONPATH's entries, the venv's site-packages and the
 * folders and zips its .pth files add.
 */
const ORACLE = `
import importlib.metadata as md, json, os, site, sys
before = list(sys.path)
site.addsitedir("/opt/venv/lib/python%d.%d/site-packages" % sys.version_info[:2])
paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(":") if p] + [p for p in sys.path if p not in before]
print(json.dumps({"path": paths, "dists": [{"name": d.metadata["Name"], "version": d.version, "at": str(d._path)} for d in md.distributions(path=paths)]}))
`;

export interface PyDist {
  name: string;
  version: string;
  /** The distribution's metadata folder or file (for a zipped egg, `<egg>/EGG-INFO/`). */
  at: string;
}

export interface RealPythonBuild {
  /** OCI layout holding the final image (ref `py`). */
  layout: string;
  /** OCI layout holding every step's image (refs `1`, `2`). */
  steps: string;
  /** importlib.metadata inside each step's image: the folders searched, and the distributions found. */
  listed: { path: string[]; dists: PyDist[] }[];
}

const b64 = (data: Buffer) => createHash('sha256').update(data).digest('base64url');

/** A pure-Python wheel as the wheel spec lays it out: the files, `<stem>.dist-info/{METADATA,WHEEL,RECORD}`. */
function writeWheel(dir: string, w: Wheel): void {
  const info = `${w.stem}.dist-info`;
  const files: Record<string, Buffer> = Object.fromEntries(Object.entries({ ...w.files, [`${info}/METADATA`]: w.metadata, [`${info}/WHEEL`]: 'Wheel-Version: 1.0\nGenerator: sbom-hunt-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n' }).map(([p, t]) => [p, Buffer.from(t)]));
  const record = Object.entries(files).map(([p, c]) => `${p},sha256=${b64(c)},${c.length}\n`).join('') + `${info}/RECORD,,\n`;
  files[`${info}/RECORD`] = Buffer.from(record);
  writeFileSync(join(dir, `${w.stem}-py3-none-any.whl`), zipFiles(Object.entries(files).map(([path, content]) => ({ path, content }))));
}

function context(work: string): string {
  const ctx = join(work, 'ctx');
  mkdirSync(join(ctx, 'wheels'), { recursive: true });
  for (const w of WHEELS) writeWheel(join(ctx, 'wheels'), w);
  for (const [dir, call] of Object.entries(SETUPS)) {
    const src = join(ctx, 'pysrc', dir);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'setup.py'), `from setuptools import setup\n${call}\n`);
    const module = /py_modules=\['(\w+)'\]/.exec(call)![1]!;
    writeFileSync(join(src, `${module}.py`), '');
  }
  // A PEP 517 project: pip installs it editable through setuptools' PEP 660 hook (a dist-info and a .pth).
  writeFileSync(join(ctx, 'pysrc', 'edit', 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n');
  // The sdist, made by the real setuptools here; its build leftovers go with the source folder.
  execFileSync(PYTHON, ['setup.py', '-q', 'sdist', '-d', join(ctx, 'wheels')], { cwd: join(ctx, 'pysrc', 'acme.http'), stdio: 'ignore' });
  rmSync(join(ctx, 'pysrc', 'acme.http'), { recursive: true, force: true });
  writeBaseTar(work, ctx, ['host/usr', 'opt', 'src']);
  return ctx;
}

function pythonVersions(): string {
  return execFileSync(PYTHON, ['-c', 'import sys, setuptools, pip; print(sys.version, pip.__version__, setuptools.__version__)'], { encoding: 'utf8' }).trim();
}

/** Builds (or reuses) the two-step image and importlib.metadata's listing inside it after each step. */
export async function realPythonBuild(): Promise<RealPythonBuild> {
  const key = { v: 1, python: pythonVersions(), steps: STEPS, wheels: WHEELS, setups: SETUPS, oracle: ORACLE };
  const dir = await cachedBuild('buildah-python', key, async (work) => {
    const ctx = context(work);
    buildahSteps({
      work,
      ctx,
      name: 'py',
      steps: STEPS,
      volumes: ['/usr:/host/usr:ro'],
      keepSteps: true,
      inContainer: (i, buildah, container) => {
        const out = buildah(['run', '--isolation', 'chroot', '-v', '/usr:/host/usr:ro', container, '--', '/opt/venv/bin/python3', '-S', '-c', ORACLE]);
        writeFileSync(join(work, `listed-${i}.json`), out);
      },
    });
    rmSync(ctx, { recursive: true, force: true });
  });
  const listed = STEPS.map((_, i) => JSON.parse(readFileSync(join(dir, `listed-${i + 1}.json`), 'utf8')) as RealPythonBuild['listed'][number]);
  return { layout: join(dir, 'layout'), steps: join(dir, 'steps'), listed };
}
