// rpm header blobs as the rpmdb stores them: an index of (tag, type, offset, count) entries over a data
// store, all big-endian. Only the identity tags are read; every offset is checked against the blob.

export const RPMTAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, arch: 1022, sourceRpm: 1044 } as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
/** rpm's own caps (HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_TAGS = 0xffff;
const MAX_DATA = 0x0fffffff;

export interface RpmHeader {
  name?: string;
  version?: string;
  release?: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
}

/** The identity fields of one header blob, or the reason it cannot be read. */
export function readRpmHeader(blob: Buffer): RpmHeader | string {
  if (blob.length < 8) return 'header blob shorter than 8 bytes';
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_TAGS || dl > MAX_DATA) return `header claims ${il} tags and ${dl} data bytes`;
  const store = 8 + il * 16;
  if (store + dl > blob.length) return `header of ${blob.length} bytes is shorter than its ${il} tags and ${dl} data bytes`;
  const data = blob.subarray(store, store + dl);
  const out: RpmHeader = {};
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    const type = blob.readUInt32BE(e + 4);
    const offset = blob.readInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    const field = fieldOf(tag);
    if (!field) continue;
    if (offset < 0 || offset >= data.length) return `tag ${tag} points outside the data store`;
    if (field === 'epoch') {
      if (type !== TYPE_INT32 || count < 1 || offset + 4 > data.length) return `tag ${tag} (EPOCH) is not an int32`;
      out.epoch = data.readUInt32BE(offset);
    } else {
      if (type !== TYPE_STRING && type !== TYPE_I18NSTRING && type !== TYPE_STRING_ARRAY) return `tag ${tag} is not a string`;
      const end = data.indexOf(0, offset);
      if (end < 0) return `tag ${tag} has no terminating NUL`;
      out[field] = data.toString('utf8', offset, end);
    }
  }
  return out;
}

function fieldOf(tag: number): keyof RpmHeader | undefined {
  for (const [k, v] of Object.entries(RPMTAG)) if (v === tag) return k as keyof RpmHeader;
  return undefined;
}
