// One IOC file's text -> incidents: sniff the format, validate, convert.
import type { Incident } from '../model/ioc.js';
import { decodeYamlIocs } from './decoders.js';

/** Parses one IOC file; throws InputError naming the file, line and field on bad input. */
export function parseIocFile(text: string, file: string): Incident[] {
  return decodeYamlIocs(text, file);
}
