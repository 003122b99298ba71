// The sources' schemes and their one line for `--help`: kept apart from the sources themselves so the list of
// schemes (help, argument parsing) does not load every source's reader.
export const SCHEME_TEXT = {
  sbom: 'an SBOM file (SPDX JSON/YAML/tag-value/3.0 JSON-LD, CycloneDX JSON/XML, syft, grype, in-toto) or a directory of them',
  'oci-dir': 'an OCI image layout directory: every image in its index.json, or oci-dir:PATH:TAG for the one named so',
  'oci-archive': 'a tarball of an OCI image layout: every image in it, or oci-archive:FILE:TAG for one',
  'docker-archive': 'a `docker save` / `podman save` tarball: every image in it, or docker-archive:FILE:NAME for one',
  dir: 'a project directory or unpacked root filesystem: its lockfiles and installed packages',
  registry: 'registry:HOST (every repository in the catalog), registry:HOST/REPO (every tag), registry:HOST/REPO:TAG or @sha256:... (one image)',
  image: 'an image reference without a scheme (nginx:1.27, ghcr.io/org/app@sha256:...): one image from its registry',
  kube: 'images running in Kubernetes, read with kubectl: kube: for the current context, kube:CONTEXT[,CONTEXT] for named ones',
  docker: 'an image in the local Docker daemon, saved with `docker save` (docker:nginx:1.27)',
  podman: 'an image in the local podman store, saved with `podman save` (podman:nginx:1.27)',
} as const;

export type Scheme = keyof typeof SCHEME_TEXT;
