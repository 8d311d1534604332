/** The machine's proxies and egress lists stay out of a test that does not set its own. */
export const NO_EGRESS_SETTINGS: Record<string, string> = Object.fromEntries(
  [
    'HTTP_PROXY',
    'http_proxy',
    'HTTPS_PROXY',
    'https_proxy',
    'NO_PROXY',
    'no_proxy',
    'EGRESS_ALLOW_CIDRS',
    'EGRESS_DENY_CIDRS',
  ].map((name) => [name, '']),
);
