import { BlockList, isIP } from 'node:net';

/** A parsed `NO_PROXY` list: which hosts are reached directly. */
export interface NoProxy {
  /** `*`: no host uses the proxy. */
  all: boolean;
  /** IP addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`), matched against IP-literal hosts only. */
  addresses: BlockList;
  /** Addresses with a port: `1.2.3.4:5000`. */
  addressPorts: Array<{ address: string; port: string }>;
  /** Domain rules: `example.com` matches it and its subdomains, `.example.com` only subdomains. */
  domains: Array<{ suffix: string; matchSelf: boolean; port?: string }>;
}

/** Entries read from a list; the rest are ignored. */
const MAX_ENTRIES = 256;

/**
 * Parses a `NO_PROXY` value as Go's `net/http` (and so containerd and kubelet) does: comma or space
 * separated; `*`; IP addresses; CIDR ranges; domain names, a leading `.` or `*.` meaning subdomains
 * only; an optional `:port` on names and addresses. Unreadable entries are ignored.
 */
export function parseNoProxy(value: string | undefined): NoProxy {
  const rule: NoProxy = { all: false, addresses: new BlockList(), addressPorts: [], domains: [] };
  const entries = (value ?? '').split(/[\s,]+/).filter((e) => e !== '').slice(0, MAX_ENTRIES);
  for (const raw of entries) {
    const entry = raw.toLowerCase();
    if (entry === '*') rule.all = true;
    else if (entry.includes('/')) addCidr(rule, entry);
    else addHost(rule, entry);
  }
  return rule;
}

/** Whether a request to `hostname` (no brackets) and `port` goes direct, not through the proxy. */
export function bypassesProxy(rule: NoProxy, hostname: string, port: string): boolean {
  if (rule.all) return true;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const family = isIP(host);
  if (family !== 0) {
    if (rule.addresses.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
    return rule.addressPorts.some((a) => a.address === host && a.port === port);
  }
  return rule.domains.some(
    (d) =>
      (d.port === undefined || d.port === port) &&
      (host.endsWith(`.${d.suffix}`) || (d.matchSelf && host === d.suffix)),
  );
}

function addCidr(rule: NoProxy, entry: string): void {
  const [address = '', bits = ''] = entry.split('/');
  const family = isIP(address);
  const prefix = Number(bits);
  if (family === 0 || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return;
  rule.addresses.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

function addHost(rule: NoProxy, entry: string): void {
  const { host, port } = splitPort(entry);
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family !== 0) {
    if (port === undefined) rule.addresses.addAddress(bare, family === 4 ? 'ipv4' : 'ipv6');
    else rule.addressPorts.push({ address: bare, port });
    return;
  }
  const subdomainsOnly = bare.startsWith('.') || bare.startsWith('*.');
  const suffix = bare.replace(/^\*?\./, '').replace(/\.$/, '');
  if (suffix === '') return;
  rule.domains.push({ suffix, matchSelf: !subdomainsOnly, ...(port === undefined ? {} : { port }) });
}

function splitPort(entry: string): { host: string; port?: string } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    const rest = entry.slice(close + 1);
    return /^:\d+$/.test(rest) ? { host: entry.slice(0, close + 1), port: rest.slice(1) } : { host: entry };
  }
  if (isIP(entry) === 6) return { host: entry };
  const match = /^(.*):(\d+)$/.exec(entry);
  return match ? { host: match[1] as string, port: match[2] as string } : { host: entry };
}
