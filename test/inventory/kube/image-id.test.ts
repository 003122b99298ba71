import { describe, expect, it } from 'vitest';
import { classifyImageId, resolveImage } from '../../../src/inventory/kube/image-id.js';
import type { PodContainer } from '../../../src/inventory/kube/pods.js';

const HEX = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

describe('classifyImageId', () => {
  it.each([
    [`docker-pullable://nginx@sha256:${HEX}`, 'docker-pullable', `nginx@sha256:${HEX}`, undefined],
    [`docker.io/sonobuoy/sonobuoy@sha256:${HEX}`, 'repo-digest', `docker.io/sonobuoy/sonobuoy@sha256:${HEX}`, undefined],
    [`localhost:5000/team/app@sha256:${HEX}`, 'repo-digest', `localhost:5000/team/app@sha256:${HEX}`, undefined],
    [`sha256:${HEX}`, 'image-id', undefined, `sha256:${HEX}`],
    [`docker://sha256:${HEX}`, 'docker-image-id', undefined, `sha256:${HEX}`],
    ['', 'empty', undefined, undefined],
    [undefined, 'missing', undefined, undefined],
    ['...', 'other', undefined, undefined],
    [`sha256:${HEX.slice(1)}`, 'other', undefined, undefined],
    [`nginx@sha256:${HEX.toUpperCase()}`, 'other', undefined, undefined],
  ])('%s -> %s', (id, form, pullable, configDigest) => {
    const c = classifyImageId(id);
    expect(c.form).toBe(form);
    expect(c.pullable).toBe(pullable);
    expect(c.configDigest).toBe(configDigest);
  });
});

function container(over: Partial<PodContainer>): PodContainer {
  return { namespace: 'shop', pod: 'web-1', container: 'web', role: 'container', hasStatus: true, ...over };
}

describe('resolveImage', () => {
  it('takes the digest from imageID, not the tag, and keeps the runtime repository', () => {
    const r = resolveImage(container({ specImage: 'nginx:1.27', imageID: `docker-pullable://nginx@sha256:${HEX}` }));
    expect(r).toEqual({
      ok: true,
      target: { kind: 'registry', ref: `docker.io/library/nginx@sha256:${HEX}`, registry: 'docker.io', repository: 'library/nginx', digest: `sha256:${HEX}` },
    });
  });

  it('resolves a bare config id from the tag and says the running digest may differ, naming the id', () => {
    const r = resolveImage(container({ specImage: 'registry.k8s.io/etcd:3.5.12-0', imageID: `sha256:${HEX}` }));
    expect(r.ok && r.target).toMatchObject({ ref: 'registry.k8s.io/etcd:3.5.12-0', tag: '3.5.12-0' });
    expect(r.ok && r.target.digest).toBeUndefined();
    expect(r.ok && r.note).toMatch(new RegExp(`config id sha256:${HEX}.*may differ`));
    expect(r.ok && r.configDigest).toBe(`sha256:${HEX}`);
  });

  it('resolves a container that has not started from the tag, with a note', () => {
    const r = resolveImage(container({ specImage: 'acme/api:2.0', imageID: '' }));
    expect(r.ok && r.target.ref).toBe('docker.io/acme/api:2.0');
    expect(r.ok && r.note).toMatch(/has not started.*may differ/);
  });

  it('notes a container with no status at all, and an imageID that is not a digest', () => {
    const none = resolveImage(container({ specImage: 'alpine', hasStatus: false }));
    expect(none.ok && none.target.ref).toBe('docker.io/library/alpine:latest');
    expect(none.ok && none.note).toMatch(/no status/);
    const odd = resolveImage(container({ specImage: 'alpine:3.19', imageID: '...' }));
    expect(odd.ok && odd.note).toMatch(/imageID "\.\.\.", which is not a digest/);
  });

  it('needs no note when the spec pins a digest', () => {
    const r = resolveImage(container({ specImage: `quay.io/openshift/etcd@sha256:${OTHER}`, imageID: '' }));
    expect(r).toEqual({
      ok: true,
      target: { kind: 'registry', ref: `quay.io/openshift/etcd@sha256:${OTHER}`, registry: 'quay.io', repository: 'openshift/etcd', digest: `sha256:${OTHER}` },
    });
  });

  it('falls back to the status image when the spec names none, and reports an unparseable image', () => {
    const fromStatus = resolveImage(container({ statusImage: 'docker.io/library/redis:7', imageID: '' }));
    expect(fromStatus.ok && fromStatus.target.ref).toBe('docker.io/library/redis:7');
    const bad = resolveImage(container({ specImage: 'Not A Valid/Image', imageID: '' }));
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^shop\/web-1 container web: invalid image reference/) });
    expect(resolveImage(container({}))).toMatchObject({ ok: false, error: expect.stringMatching(/no image named/) });
  });
});
