import { describe, expect, it } from 'vitest';
import { deviceAcls, deviceRoleName, platformAcls, sameAcls } from './dynsec-acl.ts';

describe('dynsec ACL mapping (contract §1)', () => {
  it('lets a device publish only its own uplink channels and subscribe only to its own downlinks', () => {
    const acls = deviceAcls('care', 'fac-a', 'band-1');
    const of = (type: string) =>
      acls
        .filter((a) => a.acltype === type)
        .map((a) => a.topic)
        .sort();
    expect(of('publishClientSend')).toEqual([
      'care/fac-a/devices/band-1/events',
      'care/fac-a/devices/band-1/status',
      'care/fac-a/devices/band-1/telemetry',
      'care/fac-a/devices/band-1/vitals',
    ]);
    const downlinks = ['care/fac-a/devices/band-1/commands', 'care/fac-a/devices/band-1/errors'];
    expect(of('subscribeLiteral')).toEqual(downlinks);
    expect(of('publishClientReceive')).toEqual(downlinks);
    expect(acls.every((a) => a.allow && !a.topic.includes('#') && !a.topic.includes('+'))).toBe(true);
  });

  it('gives the platform the shared subscription, uplink delivery and downlink publishing', () => {
    const acls = platformAcls('care');
    const subscribe = acls.filter((a) => a.acltype === 'subscribeLiteral').map((a) => a.topic);
    for (const channel of ['vitals', 'events', 'telemetry', 'status'])
      expect(subscribe).toContain(`$share/vigil/care/+/devices/+/${channel}`);
    expect(subscribe).not.toContain('$share/vigil/care/+/devices/+/+');
    const receive = acls.filter((a) => a.acltype === 'publishClientReceive').map((a) => a.topic);
    expect(receive).toHaveLength(4);
    expect(receive.some((t) => t.endsWith('/errors') || t.endsWith('/commands'))).toBe(false);
    const send = acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic);
    expect(send.sort()).toEqual(['care/+/devices/+/commands', 'care/+/devices/+/errors']);
  });

  it('names one role per device', () => {
    expect(deviceRoleName('band-1')).toBe('vigil-device-band-1');
  });
});

describe('sameAcls', () => {
  const a = { acltype: 'publishClientSend', topic: 'care/+/devices/+/commands', allow: true } as const;
  const b = { acltype: 'subscribeLiteral', topic: 'care/+/devices/+/vitals', allow: true } as const;

  it("matches Mosquitto's answer in another order, with the default priority written out", () => {
    expect(
      sameAcls(
        [
          { ...b, priority: 0 },
          { ...a, priority: 0 },
        ],
        [a, b],
      ),
    ).toBe(true);
  });

  it('tells a missing, extra, denied or re-prioritised ACL apart', () => {
    expect(sameAcls([a], [a, b])).toBe(false);
    expect(sameAcls([a, b, { ...b, topic: 'x' }], [a, b])).toBe(false);
    expect(sameAcls([a, { ...b, allow: false }], [a, b])).toBe(false);
    expect(sameAcls([a, { ...b, priority: 5 }], [a, b])).toBe(false);
  });
});
