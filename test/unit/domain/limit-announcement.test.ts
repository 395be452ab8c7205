import { expect } from 'chai';
import {
  announcedInTime, announcementChannel, announcementStatus, enforcementStart, liftStatus, sendProblem, type AnnouncementRecord,
  type NotificationContractFacts
} from '../../../src/domain/limit-announcement.js';

// The plan of wsdl/notification as it stands: v1 (ticket events) retired 6 months after v2 (+ limit announcements).
const facts: NotificationContractFacts = {
  plan: {
    service: 'notification',
    versions: [
      { version: 1, change: 'major', announced: '2026-05-04', production: '2026-11-09', sunset: '2027-07-24' },
      { version: 2, change: 'minor', announced: '2026-11-24', production: '2027-01-24', sunset: null }
    ]
  },
  operations: new Map([[1, new Set(['notificationSignalisation'])], [2, new Set(['notificationSignalisation', 'notificationLimiteDebit'])]])
};
const TODAY = new Date('2026-11-24T10:00:00Z');
// 2027-01-24 00:00 Paris is 2027-01-23T23:00Z (winter time).
const V2_LIVE = new Date('2027-01-23T23:00:00Z');
const endpoint = (contractVersion: number, enabled = true) => ({ url: 'https://opa.example/notifications', enabled, contractVersion });

const START = new Date('2027-02-02T08:00:00Z');
const pushed = (delivery: AnnouncementRecord['delivery']): AnnouncementRecord => ({ channel: 'endpoint', note: null, delivery });
const delivered = (at: string): AnnouncementRecord => pushed({ state: 'delivered', attempts: 1, lastError: null, deliveredAt: new Date(at) });
const pending = (attempts: number, lastError: string | null = null): AnnouncementRecord => pushed({ state: 'pending', attempts, lastError, deliveredAt: null });
const usual: AnnouncementRecord = { channel: 'usual', note: 'no notification endpoint', delivery: null };

describe('limit announcements (L2, V1)', () => {
  describe('what an endpoint can be sent', () => {
    it('sends ticket events in any version in production, limit announcements from the version that declares the operation', () => {
      expect(sendProblem(facts, 1, 'ticket', TODAY)).to.equal(null);
      expect(sendProblem(facts, 1, 'limit', TODAY)).to.equal('notification v1 has no operation notificationLimiteDebit (it comes with v2, in production from 2027-01-24)');
      expect(sendProblem(facts, 2, 'limit', V2_LIVE)).to.equal(null);
      expect(sendProblem(facts, 2, 'ticket', V2_LIVE)).to.equal(null);
    });

    it('sends no version the plan does not have in production: announced, retired or unknown', () => {
      expect(sendProblem(facts, 2, 'ticket', new Date(V2_LIVE.getTime() - 1))).to.equal('notification v2 is in production from 2027-01-24 only');
      expect(sendProblem(facts, 1, 'ticket', new Date('2027-07-23T21:59:59Z'))).to.equal(null);
      expect(sendProblem(facts, 1, 'ticket', new Date('2027-07-23T22:00:00Z'))).to.equal('notification v1 was retired on 2027-07-24');
      expect(sendProblem(facts, 3, 'ticket', V2_LIVE)).to.equal('notification v3 is not a version of the contract (v1, v2)');
    });

    it('pushes an announcement only to an enabled endpoint of a version that carries it, in production', () => {
      expect(announcementChannel(facts, endpoint(2), V2_LIVE)).to.deep.equal({ push: true, url: 'https://opa.example/notifications', version: 2 });
      expect(announcementChannel(facts, null, V2_LIVE)).to.deep.equal({ push: false, reason: 'no notification endpoint' });
      expect(announcementChannel(facts, endpoint(2, false), V2_LIVE)).to.deep.equal({ push: false, reason: 'its notification endpoint is disabled' });
      expect(announcementChannel(facts, endpoint(1), V2_LIVE)).to.deep.include({ push: false })
        .and.have.property('reason').that.equals('its endpoint implements notification v1: notification v1 has no operation notificationLimiteDebit (it comes with v2, in production from 2027-01-24)');
      expect(announcementChannel(facts, endpoint(2), TODAY)).to.deep.equal({ push: false, reason: 'its endpoint implements notification v2: notification v2 is in production from 2027-01-24 only' });
      expect(announcementChannel(null, endpoint(2), V2_LIVE)).to.deep.equal({ push: false, reason: 'no notification contract in wsdl/' });
    });
  });

  describe('when an announced limit binds', () => {
    it('binds from its start when told by the usual channel, or declared before announcements were recorded', () => {
      expect(enforcementStart(START, usual)).to.equal(START);
      expect(enforcementStart(START, null)).to.equal(START);
    });

    it('binds from its start when the operator acknowledged it 24 h before, exactly included', () => {
      expect(enforcementStart(START, delivered('2027-02-01T08:00:00Z'))).to.deep.equal(START);
      expect(enforcementStart(START, delivered('2027-01-31T09:00:00Z'))).to.deep.equal(START);
      expect(announcedInTime(START, delivered('2027-02-01T08:00:00Z'), START)).to.equal(true);
    });

    it('binds 24 h after a late acknowledgement, and not at all while undelivered', () => {
      expect(enforcementStart(START, delivered('2027-02-01T08:00:01Z'))).to.deep.equal(new Date('2027-02-02T08:00:01Z'));
      expect(announcedInTime(START, delivered('2027-02-01T08:00:01Z'), START)).to.equal(false);
      expect(enforcementStart(START, pending(3, 'HTTP 503'))).to.equal(null);
      expect(enforcementStart(START, pushed({ state: 'withdrawn', attempts: 0, lastError: null, deliveredAt: null }))).to.equal(null);
    });

    it('says an undelivered announcement is late only once less than 24 h are left', () => {
      expect(announcedInTime(START, pending(2), new Date('2027-02-01T07:59:59Z'))).to.equal(null);
      expect(announcedInTime(START, pending(2), new Date('2027-02-01T08:00:00Z'))).to.equal(false);
      expect(announcedInTime(START, usual, START)).to.equal(true);
    });
  });

  describe('how an announcement reads', () => {
    const before = new Date('2027-01-31T12:00:00Z');
    it('reads pushed, pending with attempts and last error, by usual channel, none needed', () => {
      expect(announcementStatus(START, delivered('2027-01-31T10:00:00Z'), before)).to.equal('pushed 2027-01-31T10:00:00.000Z');
      expect(announcementStatus(START, pending(0), before)).to.equal('pending (0 attempts)');
      expect(announcementStatus(START, pending(1, 'HTTP 503'), before)).to.equal('pending (1 attempt, last error: HTTP 503)');
      expect(announcementStatus(START, usual, before)).to.equal('by usual channel (no notification endpoint)');
      expect(announcementStatus(START, null, before)).to.equal('by usual channel (declared before limits were pushed)');
      expect(announcementStatus(START, pushed({ state: 'withdrawn', attempts: 0, lastError: null, deliveredAt: null }), before)).to.equal('none needed (removed before it was sent)');
    });

    it('makes a late announcement visible: NOT ANNOUNCED IN TIME, and from when the limit binds', () => {
      expect(announcementStatus(START, pending(4, 'ECONNREFUSED: connect'), new Date('2027-02-01T09:00:00Z'))).to.equal(
        'NOT ANNOUNCED IN TIME (due by 2027-02-01T08:00:00.000Z): pending (4 attempts, last error: ECONNREFUSED: connect) — not enforced until 24 h after delivery');
      expect(announcementStatus(START, delivered('2027-02-01T10:00:00Z'), new Date('2027-02-01T11:00:00Z'))).to.equal(
        'pushed 2027-02-01T10:00:00.000Z — NOT ANNOUNCED IN TIME (due by 2027-02-01T08:00:00.000Z): enforced from 2027-02-02T10:00:00.000Z');
    });

    it('reads the lifting of a removed limit', () => {
      expect(liftStatus(null)).to.equal('none needed');
      expect(liftStatus(delivered('2027-02-03T10:00:00Z'))).to.equal('pushed 2027-02-03T10:00:00.000Z');
      expect(liftStatus(pending(2, 'HTTP 503'))).to.equal('pending (2 attempts, last error: HTTP 503)');
      expect(liftStatus({ channel: 'usual', note: 'the limit was announced by the usual channel', delivery: null })).to.equal('by usual channel (the limit was announced by the usual channel)');
    });
  });
});
