// The HOME the container's process gets, as the runtime sets it when the config's Env has none: runc (which
// containerd, moby and podman's crun-compatible path all end in) looks the user up in the image's own /etc/passwd.
//
// Reference behaviour (runc libcontainer, moby/sys/user GetExecUser, and runc's init setting HOME when unset):
// - `User` is `user[:group]`; an empty user is uid 0. A user that parses as an integer (strconv.Atoi) is always a
//   uid, never a name; otherwise it is a name.
// - /etc/passwd lines are trimmed, empty ones skipped, nothing else (no comments); fields split on `:` as
//   name:password:uid:gid:gecos:home:shell, a uid that is not an integer read as 0, missing fields empty.
// - The runtime turns a name into the uid of the first entry with that name (none: the container does not start),
//   and runc then takes the home of the first entry with that uid; a uid with no entry gets `/`.
// - An Env HOME that is empty counts as unset. A home that is empty leaves HOME empty: Node adds no home folders.
// Without a readable /etc/passwd (none in the image, a symlink, too large) the old assumption stays, with a note:
// /root for root, no HOME for anyone else.
import { envOf, type ImageConfig } from './config.js';

export const PASSWD_PATH = 'etc/passwd';

export interface RunHome {
  home: string | undefined;
  note?: string;
}

/** `User` as the runtime reads it: empty, `root`, `0`, with or without a group. */
function runsAsRoot(user: unknown): boolean {
  if (user === undefined || user === null || user === '') return true;
  if (typeof user !== 'string') return false;
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

const atoi = (s: string): number | undefined => (/^[+-]?\d+$/.test(s) ? Number(s) : undefined);

interface PasswdEntry {
  name: string;
  uid: number;
  home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const f = line.split(':');
    out.push({ name: f[0] ?? '', uid: atoi(f[2] ?? '') ?? 0, home: f[5] ?? '' });
  }
  return out;
}

/** HOME for the config's process: its Env's, else from the image's /etc/passwd (undefined when not read). */
export function runHome(image: ImageConfig, passwd: Buffer | undefined): RunHome {
  const config = (image.config ?? undefined) as Record<string, unknown> | undefined;
  const fromEnv = envOf(config).get('HOME');
  if (fromEnv) return { home: fromEnv };
  const user = typeof config?.User === 'string' ? config.User : config?.User === undefined || config.User === null ? '' : undefined;
  if (passwd === undefined || user === undefined) {
    const home = runsAsRoot(config?.User) ? '/root' : undefined;
    return { home, note: `/${PASSWD_PATH} not read: HOME taken as ${home ?? 'unset'} for user ${JSON.stringify(config?.User ?? '')}` };
  }
  const arg = user.split(':')[0] ?? '';
  const entries = parsePasswd(passwd.toString('utf8'));
  const asUid = arg === '' ? 0 : atoi(arg);
  const uid = asUid ?? entries.find((e) => e.name === arg)?.uid;
  if (uid === undefined) return { home: undefined, note: `user ${JSON.stringify(arg)} is not in /${PASSWD_PATH}: the runtime refuses to start the container` };
  const entry = entries.find((e) => e.uid === uid);
  const home = entry ? entry.home : '/';
  return { home: home === '' ? undefined : home };
}
