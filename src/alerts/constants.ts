// The alert flags' defaults, on their own: the command tree reads them without loading the senders.

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
