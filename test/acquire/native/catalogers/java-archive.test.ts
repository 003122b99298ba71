// Java archives made by zip (and jar when a JDK is present), read by the native cataloger: pom.properties,
// shaded jars, MANIFEST.MF alone, and jars nested in a war nested in an ear, each with the archive's path.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { javaArchiveCataloger } from '../../../../src/acquire/native/catalogers/java-archive.js';
import { DEFAULT_LIMITS } from '../../../../src/acquire/native/limits.js';
import { zipFiles } from '../../../helpers/image-builder.js';
import { buildJars, LOG4J, SHADED } from '../../../helpers/jar-build.js';
import { haveTool } from '../../../helpers/real-tools.js';

const HAVE_ZIP = haveTool('zip', 'zip');
const HAVE_JAR = (() => {
  try {
    execFileSync('jar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const ids = (r: { packages: { name: string; version: string; path: string }[] }) => r.packages.map((p) => `${p.name}@${p.version} ${p.path}`).sort();
const catalog = (path: string, bytes: Buffer, limits = DEFAULT_LIMITS) => {
  const r = javaArchiveCataloger.catalog(path, bytes, limits);
  return { ...r, errors: r.errors ?? [] };
};

describe.skipIf(!HAVE_ZIP)('Java archives built by real tools', () => {
  it('a library jar: group:artifact and version from pom.properties, at the jar path', async () => {
    const jars = await buildJars(HAVE_JAR);
    const r = catalog('opt/app/lib/log4j-core-2.14.1.jar', jars.library);
    expect(r.errors).toEqual([]);
    expect(ids(r)).toEqual(['org.apache.logging.log4j:log4j-core@2.14.1 /opt/app/lib/log4j-core-2.14.1.jar']);
    expect(r.packages[0]!.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
  });

  it('a shaded jar: one package per bundled pom.properties', async () => {
    const r = catalog('srv/uber-3.0.0.jar', (await buildJars(HAVE_JAR)).shaded);
    expect(ids(r)).toEqual(SHADED.map((c) => `${c.group}:${c.artifact}@${c.version} /srv/uber-3.0.0.jar`).sort());
  });

  it(`a manifest-only jar (made by ${HAVE_JAR ? 'jar' : 'zip'}): vendor id, title and version from MANIFEST.MF`, async () => {
    const r = catalog('usr/share/java/commons-text-1.9.jar', (await buildJars(HAVE_JAR)).manifestOnly);
    expect(ids(r)).toEqual(['org.apache.commons:commons-text@1.9 /usr/share/java/commons-text-1.9.jar']);
  });

  it('an ear > war > jars (deflated and stored): every package, with the nested path', async () => {
    const r = catalog('opt/jboss/app.ear', (await buildJars(HAVE_JAR)).ear);
    expect(r.errors).toEqual([]);
    expect(ids(r)).toEqual(
      [
        `${LOG4J.group}:${LOG4J.artifact}@${LOG4J.version} /opt/jboss/app.ear!/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar`,
        ...SHADED.map((c) => `${c.group}:${c.artifact}@${c.version} /opt/jboss/app.ear!/app.war!/WEB-INF/lib/uber-3.0.0.jar`),
      ].sort(),
    );
  });

  it('nested archives count against maxJavaArchiveBytes: over it, unknown with the reason', async () => {
    const { war } = await buildJars(HAVE_JAR);
    const r = catalog('app.war', war, { ...DEFAULT_LIMITS, maxJavaArchiveBytes: 600 });
    expect(r.errors.join('\n')).toMatch(/WEB-INF\/lib\/log4j-core-2.14.1.jar: .*larger than/);
  });
});

describe('hostile Java archives', () => {
  it('not a zip, and a truncated one: a reason, never a throw', () => {
    expect(catalog('x.jar', Buffer.from('not a zip')).errors[0]).toMatch(/java-archive: skipped \/x.jar/);
    const zip = zipFiles([{ path: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=1\n' }]);
    for (let n = 0; n < zip.length; n += 5) expect(() => catalog('x.jar', zip.subarray(0, n))).not.toThrow();
  });

  it('nesting past four archives stops with a reason', () => {
    let inner = zipFiles([{ path: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=1\n' }]);
    for (let i = 0; i < 6; i++) inner = zipFiles([{ path: `lib/l${i}.jar`, content: inner, store: true }]);
    expect(catalog('deep.jar', inner).errors.join('\n')).toMatch(/nested deeper than 4 archives/);
  });

  it('a pom.properties without groupId is a note; the file name does not invent one', () => {
    const r = catalog('x.jar', zipFiles([{ path: 'META-INF/maven/g/a/pom.properties', content: 'artifactId=a\nversion=1\n' }]));
    expect(r.notes[0]).toMatch(/no groupId or artifactId/);
  });
});
