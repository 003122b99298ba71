// Indicators of compromise: incidents, their compromise windows and the package versions they name.

export interface TimeWindow {
  start: Date;
  end: Date;
  /** Where the window came from: an IOC file path, or `--window`. */
  source: string;
}

export interface IocPackage {
  ecosystem: string;
  name: string;
  /** Exact versions. */
  versions: string[];
  /** Version ranges: npm/semver range syntax, e.g. `>=1.0.0 <1.2.0`. */
  ranges: string[];
  /** True when the IOC names the package without versions: every version matches. */
  anyVersion: boolean;
  reference?: string;
  notes?: string;
}

export interface Incident {
  id: string;
  title: string;
  references: string[];
  aliases: string[];
  windows: TimeWindow[];
  packages: IocPackage[];
  /** Free-form indicators (C2 domains, IPs), shown as notes. */
  indicators: string[];
  notes?: string;
  /** File the incident was read from. */
  file: string;
  /** Newest date the file says it was disclosed or modified, when known. */
  disclosed?: string;
}

export interface IocSet {
  incidents: Incident[];
  files: string[];
}
