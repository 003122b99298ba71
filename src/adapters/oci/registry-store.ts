// One image in a registry, seen through the ImageStore interface the native reader walks.
import type { Readable } from 'node:stream';
import { UsageError } from '../../errors.js';
import type { Descriptor, FetchedManifest, ImageStore } from '../../model/oci.js';
import type { RegistryClient } from './client.js';
import { formatReference, type ImageReference } from './reference.js';

export class RegistryImageStore implements ImageStore {
  readonly label: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly ref: ImageReference,
    /** One image's deadline: its manifest and blob requests are cancelled at the socket when it fires. */
    private readonly signal?: AbortSignal,
  ) {
    if (ref.tag === undefined && ref.digest === undefined) throw new UsageError(`${formatReference(ref)}: needs a tag or a digest`);
    this.label = formatReference(ref);
  }

  /** By digest when the reference pins one (the tag is then only a label), else by tag. */
  getRootManifest(): Promise<FetchedManifest> {
    return this.client.getManifest(this.ref, this.ref.digest ?? (this.ref.tag as string), { signal: this.signal });
  }

  getManifest(digest: string): Promise<FetchedManifest> {
    return this.client.getManifest(this.ref, digest, { signal: this.signal });
  }

  openBlob(desc: Descriptor): Promise<Readable> {
    return this.client.openBlob(this.ref, desc.digest, { signal: this.signal });
  }
}
