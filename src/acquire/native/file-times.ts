// When a kept file was written: its tar member's time, judged against its layer's (a layer of one time says nothing).
import type { FileTime } from '../../model/package.js';
import type { KeptFile, LayerTimes } from './layered-files.js';

/**
 * The file's time, with a note when its layer's members all carry one time: SOURCE_DATE_EPOCH, `buildah
 * --timestamp`, ko, Jib, Bazel and Nix clamp every member, so the time is the builder's choice, not a write.
 * (A layer written within one second looks the same and loses its time too: the safe side.)
 */
export function fileTimeOf(file: KeptFile, layers: ReadonlyMap<string, LayerTimes>): FileTime | undefined {
  if (file.mtime === undefined) return undefined;
  const layer = file.timeLayer ?? file.layer;
  const out: FileTime = { path: `/${file.path}`, time: new Date(file.mtime).toISOString(), layer };
  const times = layers.get(layer);
  if (times && times.min === times.max) {
    out.note = `every member of layer ${layer} (${times.members}) carries this one time: clamped by the builder (SOURCE_DATE_EPOCH, --timestamp) or written within one second, so it says nothing`;
  }
  return out;
}
