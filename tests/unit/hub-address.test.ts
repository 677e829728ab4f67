import { describe, expect, it } from 'vitest';
import { normalizeHubAddress } from '../../shared/sync/hub-address.js';
import { contract } from '../../shared/api/contract.js';

const ok = (typed: string) => {
  const r = normalizeHubAddress(typed);
  if (!r.ok) throw new Error(`refused "${typed}": ${r.error}`);
  return r.url;
};
const refused = (typed: string) => {
  const r = normalizeHubAddress(typed);
  if (r.ok) throw new Error(`accepted "${typed}" as ${r.url}`);
  return r.error;
};

describe('normalizeHubAddress: what people type becomes https://host:port', () => {
  it.each([
    ['https://192.168.1.20:8443', 'https://192.168.1.20:8443'],
    ['https://192.168.1.20:8443/', 'https://192.168.1.20:8443'],
    ['https://192.168.1.20:8443///', 'https://192.168.1.20:8443'],
    ['  https://192.168.1.20:8443  ', 'https://192.168.1.20:8443'],
    ['HTTPS://Hub.Local:8443', 'https://hub.local:8443'],
    ['192.168.1.20:8443', 'https://192.168.1.20:8443'],
    ['hub.local:9000', 'https://hub.local:9000'],
    ['192.168.1.20', 'https://192.168.1.20:8443'],
    ['hub.local', 'https://hub.local:8443'],
    ['hub', 'https://hub:8443'],
    ['hub.local/', 'https://hub.local:8443'],
    ['192.168.1.20 : 8443', 'https://192.168.1.20:8443'],
    ['https://hub.local', 'https://hub.local:8443'],
    ['https://hub.local:443', 'https://hub.local:443'],
    ['front-desk_hub.clinic.example.', 'https://front-desk_hub.clinic.example.:8443'],
    ['[::1]:8443', 'https://[::1]:8443'],
    ['http://127.0.0.1:5999', 'http://127.0.0.1:5999'],
    ['http://localhost:5999/', 'http://localhost:5999'],
  ])('%j -> %s', (typed, url) => {
    expect(ok(typed)).toBe(url);
  });

  it('is idempotent: a normalised address stays as it is', () => {
    for (const t of ['hub.local', '10.0.0.5:8443', 'https://hub.local:443', 'http://127.0.0.1:80']) expect(ok(ok(t))).toBe(ok(t));
  });

  it.each([
    ['', /Type the hub address/],
    ['   ', /Type the hub address/],
    ['https://', /host after https/],
    ['https://https://192.168.1.20:8443', /https:\/\/ twice/],
    ['https://https//192.168.1.20:8443', /path/],
    ['ftp://hub.local', /starts with https/],
    ['https:/hub.local', /as the hub shows it/],
    ['https:hub.local', /as the hub shows it/],
    ['https://hub.local:8443/sync', /without a path/],
    ['https://hub.local:8443?x=1', /without a path/],
    ['https://admin:pw@hub.local:8443', /user name/],
    ['hub.local:', /port is a number/],
    ['hub.local:99999', /port is a number/],
    ['hub.local:0', /port is a number/],
    ['hub.local:84a3', /host and port/],
    ['192.168.1', /complete IP address/],
    ['8443', /complete IP address/],
    ['192.168.1.256', /complete IP address/],
    ['hub local!', /Not a host name/],
    ['hub..local', /Not a host name/],
    ['-hub.local', /Not a host name/],
    ['http://192.168.1.20:8443', /must be https/],
    ['x'.repeat(201), /too long/],
  ])('refuses %j with a clear message', (typed, message) => {
    expect(refused(typed)).toMatch(message);
  });

  it('the contract takes the typed address and hands the handler the normalised one; a refusal is at hubUrl', () => {
    const schema = contract['sync.enroll'].input;
    expect(schema.parse({ hubUrl: ' 192.168.1.20 ', code: 'ABCD-EFGH' }).hubUrl).toBe('https://192.168.1.20:8443');
    expect(contract['setup.join'].input.parse({ deskLabel: 'Front desk 2', hubUrl: 'https://hub.local:8443/', code: 'ABCD-EFGH' }).hubUrl).toBe('https://hub.local:8443');
    const r = schema.safeParse({ hubUrl: 'https://https://hub.local', code: 'ABCD-EFGH' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['hubUrl', expect.stringMatching(/https:\/\/ twice/)]]);
  });
});
