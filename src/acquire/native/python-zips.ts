// The zips on Python's path, read once every layer is in: which files they are is known only from the final
// `.pth` files and the config (python-path.ts), after the layers streamed past. A zip a cataloger held (an `.egg`)
// is read from memory; one only marked as it streamed (ZipAt: every file ending in a zip end record is) is read
// again from its layer, the layer streamed and its digest checked once more, only when sys.path names it. Too big
// to read (maxZipBytes), or unreadable: the platform is unknown for Python, with the reason, never clean.
import type { Descriptor } from '../../model/oci.js';
import type { ImageConfig } from './config.js';
import type { CatalogResult } from './catalogers/cataloger.js';
import { errorFor } from './catalogers/cataloger.js';
import { zipDistributions } from './catalogers/python.js';
import { MAX_ZIP_MARKS, type KeptFile, type LayeredFiles } from './layered-files.js';
import { readLayerMembers, type LayerContext } from './layer.js';
import { pythonPathZips, type PathZip } from './python-path.js';
import { ZipTail } from './zip.js';

export interface ZipOnPath {
  file: KeptFile;
  result: CatalogResult;
  /** On the path only in layers a later one changed (PathZip.deleted). */
  deleted: boolean;
}

type Ctx = Pick<LayerContext, 'store' | 'limits' | 'signal'>;

/** The distributions of every zip on sys.path, each with the file it was read from (for its layer and time). */
export async function catalogPythonPathZips(files: Pick<LayeredFiles, 'final' | 'removed' | 'zipMarksDropped'>, image: ImageConfig, layers: readonly Descriptor[], ctx: Ctx, error: (text: string) => void): Promise<ZipOnPath[]> {
  const unmarked = (entry: string) => error(errorFor(entry, 'python', `on sys.path, and more than ${MAX_ZIP_MARKS} files end like a zip: whether this is one was not kept`));
  const zips = pythonPathZips(files.final(), image, files.removed, files.zipMarksDropped ? unmarked : undefined);
  if (zips.length === 0) return [];
  const bodies = await readAgain(zips, layers, ctx);
  return zips.map((z) => ({ file: z.file, result: catalogOne(z, bodies, ctx), deleted: z.deleted }));
}

const failed = (z: PathZip, why: string): CatalogResult => ({ packages: [], notes: [], errors: [errorFor(z.entry, 'python', `on sys.path, ${why}`)] });

function catalogOne(z: PathZip, bodies: Map<KeptFile, Buffer | Error>, ctx: Ctx): CatalogResult {
  const max = ctx.limits.maxZipBytes;
  const size = z.file.zip?.size ?? z.file.unreadBytes;
  if (size !== undefined && (z.file.unreadBytes !== undefined || size > max)) return failed(z, `${size} bytes is over maxZipBytes (${max}); not read`);
  const body = z.file.zip ? bodies.get(z.file) : z.file.content;
  if (body instanceof Error) return failed(z, `its layer could not be read again: ${body.message}`);
  if (body === undefined) return failed(z, 'its body was not found again in its layer');
  // Held whole and no zip end record: zipimport and zipfile refuse it, Python lists nothing there.
  if (!z.file.zip && !ZipTail.of(body)) return { packages: [], notes: [] };
  try {
    return zipDistributions(body, `/${z.archive}`, z.sub, ctx.limits.maxFileBytes);
  } catch (err) {
    return failed(z, `not a zip sbom-hunt can read (${(err as Error).message}); Python may read it`);
  }
}

/** The bodies of the marked zips, each layer holding some streamed once more. */
async function readAgain(zips: readonly PathZip[], layers: readonly Descriptor[], ctx: Ctx): Promise<Map<KeptFile, Buffer | Error>> {
  const byLayer = new Map<string, KeptFile[]>();
  for (const { file } of zips) {
    if (!file.zip || file.zip.size > ctx.limits.maxZipBytes) continue;
    const list = byLayer.get(file.zip.layer) ?? [];
    if (!list.includes(file)) list.push(file);
    byLayer.set(file.zip.layer, list);
  }
  const out = new Map<KeptFile, Buffer | Error>();
  for (const [digest, files] of byLayer) {
    const desc = layers.find((l) => l.digest === digest);
    try {
      if (!desc) throw new Error(`layer ${digest} is not in the manifest`);
      const got = await readLayerMembers(desc, new Set(files.map((f) => f.zip!.member)), ctx);
      for (const f of files) {
        const body = got.get(f.zip!.member);
        if (body) out.set(f, body);
      }
    } catch (err) {
      for (const f of files) out.set(f, err as Error);
    }
  }
  return out;
}
