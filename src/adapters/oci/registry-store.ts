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
  ) {
    if (ref.tag === undefined && ref.digest === undefined) throw new UsageError(`${formatReference(ref)}: needs a tag or a digest`);
    this.label = formatReference(ref);
  }

  /** By digest when the reference pins one (the tag is then only a label), else by tag. */
  getRootManifest(): Promise<FetchedManifest> {
    return this.client.getManifest(this.ref, this.ref.digest ?? (this.ref.tag as string));
  }

  getManifest(digest: string): Promise<FetchedManifest> {
    return this.client.getManifest(this.ref, digest);
  }

  openBlob(desc: Descriptor): Promise<Readable> {
    return this.client.openBlob(this.ref, desc.digest);
  }
}
