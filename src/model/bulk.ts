// How many incidents a report names one by one. An OSV feed such as ossf/malicious-packages holds 200,000
// records: naming each one per image gap and listing each with every unread image made reports grow with
// incidents x images (20 unread SBOMs against 200,000 records: an 800 MB report, past Node's largest string).

/** Up to this many incidents, every incident is listed and every gap names its incidents one by one. */
export const LISTED_INCIDENTS_MAX = 1000;

/** In `unchecked`, a gap for every incident the image has no finding for (part of it unread), in a bulk run. */
export const EVERY_INCIDENT = '*';

/** A bulk run: more incidents than are listed one by one. */
export const isBulk = (incidents: number): boolean => incidents > LISTED_INCIDENTS_MAX;
