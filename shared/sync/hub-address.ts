/**
 * The hub address as people type it, made into the one form the desk stores: `https://host:port`.
 *
 * Accepted: a full address (`https://192.168.1.20:8443`, with or without a trailing slash), host and port
 * (`192.168.1.20:8443`, `hub.local:8443`), a bare host (`hub.local`: https and the hub's port 8443, as the hub prints
 * it), spaces around or inside. A plain-http address only on this computer (`http://127.0.0.1:PORT`, a test hub).
 * Refused, with a sentence the field shows: anything else (another scheme, a path, a query, a user name, an
 * incomplete IP address, characters a host name cannot have).
 *
 * Used by both screens (join at first run, Settings → Clinic hub) through the contract's schema and by the desk's
 * enrollment (electron/sync/desk-sync.ts), so what is checked at the field is what the desk stores.
 */

/** The port `npm run hub` listens on unless told otherwise. */
export const HUB_DEFAULT_PORT = 8443;

export const HUB_ADDRESS_EXAMPLE = 'https://192.168.1.20:8443';

export type HubAddressResult = { ok: true; url: string } | { ok: false; error: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LABEL = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/i;

export function normalizeHubAddress(typed: string): HubAddressResult {
  const fail = (error: string): HubAddressResult => ({ ok: false, error });
  const raw = typed.replace(/\s+/g, '');
  if (!raw) return fail(`Type the hub address, like ${HUB_ADDRESS_EXAMPLE}`);
  if (raw.length > 200) return fail('The hub address is too long');

  let scheme = 'https';
  let rest = raw;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = m[2]!;
    if (scheme !== 'https' && scheme !== 'http') return fail(`The hub address starts with https://, like ${HUB_ADDRESS_EXAMPLE}`);
  } else if (/^[a-z][a-z0-9+.-]*:\/(?!\/)/i.test(raw) || /^https?:(?!\d)/i.test(raw)) {
    return fail(`Type the address as the hub shows it, like ${HUB_ADDRESS_EXAMPLE}`);
  }

  // trailing slashes are fine; anything after the host and port is not part of a hub address
  rest = rest.replace(/\/+$/, '');
  if (/[/?#]/.test(rest)) {
    if (/^https?:\/\//i.test(rest) || /^https?:/i.test(rest)) return fail(`The address has https:// twice; type it once, like ${HUB_ADDRESS_EXAMPLE}`);
    return fail(`Only the host and port, without a path, like ${HUB_ADDRESS_EXAMPLE}`);
  }
  if (rest.includes('@')) return fail(`Only the host and port, without a user name, like ${HUB_ADDRESS_EXAMPLE}`);
  if (!rest) return fail(`Type the hub's host after https://, like ${HUB_ADDRESS_EXAMPLE}`);

  // host and optional port (an IPv6 address is in brackets)
  const hp = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d*))?$/i.exec(rest);
  if (!hp) return fail(`The address is host and port, like ${HUB_ADDRESS_EXAMPLE}`);
  const host = hp[1]!.toLowerCase();
  const portText = hp[2];
  if (portText !== undefined) {
    const port = Number(portText);
    if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) return fail('The port is a number from 1 to 65535, like 8443');
  }
  if (!host.startsWith('[')) {
    if (/^[\d.]+$/.test(host)) {
      const parts = host.split('.');
      if (parts.length !== 4 || parts.some((p) => p === '' || Number(p) > 255 || (p.length > 1 && p.startsWith('0')))) {
        return fail('Not a complete IP address: four numbers 0-255, like 192.168.1.20:8443');
      }
    } else {
      const labels = host.replace(/\.$/, '').split('.');
      if (labels.some((l) => !LABEL.test(l))) return fail(`Not a host name: letters, digits, hyphens and dots only, like ${HUB_ADDRESS_EXAMPLE}`);
    }
  }

  const port = portText === undefined ? HUB_DEFAULT_PORT : Number(portText);
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}:${port}`);
  } catch {
    return fail(`The address is host and port, like ${HUB_ADDRESS_EXAMPLE}`);
  }
  if (scheme === 'http' && !LOOPBACK.has(url.hostname)) return fail('The hub address must be https (plain http only for a test hub on this computer)');
  // the port always written out (URL's origin drops https's 443, and a host alone would then read as port 8443)
  return { ok: true, url: `${scheme}://${url.hostname}:${port}` };
}
