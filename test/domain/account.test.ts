import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountDomain,
  accountInterest,
  accountKey,
  companyDomain,
  companyNameKey,
  hottest,
} from '../../src/domain/account.js';
import {
  duplicateReasons,
  matchKeysAfter,
  mergedFields,
  personNameKey,
  phoneKey,
} from '../../src/domain/duplicates.js';
import { FREE_MAIL_PATTERN } from '../../src/domain/free-mail.js';
import { b2bModel } from '../../src/domain/scoring/presets.js';
import { aLead } from './scoring/factories.js';

describe('account keys', () => {
  it('keys a company email by its normalised domain', () => {
    expect(accountKey({ email: 'ann@acme.com', company: 'Acme' })).toBe('acme.com');
    expect(accountKey({ email: ' Bob@ACME.com. ', company: null })).toBe('acme.com');
    expect(accountKey({ email: 'carol@www.acme.com', company: 'Something else' })).toBe('acme.com');
    expect(companyDomain('dan@eu.acme.com')).toBe('eu.acme.com');
  });

  it('falls back to the company name for free-mail and ISP addresses', () => {
    expect(accountKey({ email: 'ann@gmail.com', company: 'Acme, Inc.' })).toBe('name:acme');
    expect(accountKey({ email: 'ann@yahoo.co.uk', company: 'ACME Ltd' })).toBe('name:acme');
    expect(accountKey({ email: 'ann@comcast.net', company: 'Acme GmbH' })).toBe('name:acme');
    expect(accountKey({ email: null, company: '  acme  ' })).toBe('name:acme');
  });

  it('has no account without a company domain or name', () => {
    expect(accountKey({ email: 'ann@gmail.com', company: null })).toBeNull();
    expect(accountKey({ email: null, company: null })).toBeNull();
    expect(accountKey({ email: 'ann@hotmail.com', company: ' , . ' })).toBeNull();
    expect(companyDomain('not-an-address')).toBeNull();
  });

  it('normalises company names: case, accents, punctuation and legal forms', () => {
    expect(companyNameKey('Société Générale S.A.')).toBe('societe generale');
    expect(companyNameKey('Müller GmbH & Co. KG')).toBe('muller');
    expect(companyNameKey('Acme Co., Ltd.')).toBe('acme');
    expect(companyNameKey('Acme Widgets Corporation')).toBe('acme widgets');
    // A name that is only a legal form keeps it rather than vanish.
    expect(companyNameKey('Co')).toBe('co');
  });

  it('tells domain keys from name keys', () => {
    expect(accountDomain('acme.com')).toBe('acme.com');
    expect(accountDomain('name:acme')).toBeNull();
  });

  it('reads the same free-mail list as the b2b fit rule', () => {
    const rule = b2bModel.fit.find((r) => r.id === 'free_mail');
    expect(JSON.stringify(rule?.when)).toContain(JSON.stringify(FREE_MAIL_PATTERN));
  });
});

describe('account interest', () => {
  it('is 100 × (1 − Π(1 − iₖ/100))', () => {
    expect(accountInterest([])).toBe(0);
    expect(accountInterest([30])).toBe(30);
    expect(accountInterest([50, 50])).toBe(75);
    expect(accountInterest([40, 30, 0])).toBe(58);
    expect(accountInterest([100, 20])).toBe(100);
  });

  it('is at least the hottest lead, never above 100, and grows with every interested lead', () => {
    const interest = fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100);
    fc.assert(
      fc.property(fc.array(interest, { maxLength: 20 }), interest, (interests, extra) => {
        const account = accountInterest(interests);
        expect(account).toBeLessThanOrEqual(100);
        expect(account).toBeGreaterThanOrEqual(Math.max(0, ...interests) - 0.01);
        expect(accountInterest([...interests, extra])).toBeGreaterThanOrEqual(account);
      }),
    );
  });

  it('takes the hottest temperature', () => {
    expect(hottest(['cold', 'warm', 'cool'])).toBe('warm');
    expect(hottest(['cool', 'hot'])).toBe('hot');
    expect(hottest([])).toBe('cold');
  });
});

describe('duplicates', () => {
  it('compares phones on their last nine digits, with or without country code', () => {
    expect(phoneKey('+44 20 7946 0958')).toBe(phoneKey('020 7946 0958'));
    expect(phoneKey('+1 (555) 010-2000')).toBe(phoneKey('555.010.2000'));
    expect(phoneKey('ext. 42')).toBeNull();
    expect(phoneKey(null)).toBeNull();
  });

  it('finds the same phone, or the same name at the same account', () => {
    const ann = aLead({ id: 'a', name: 'Ann Lee', email: 'ann@acme.com', phone: '+1 555 010 2000' });
    const samePhone = aLead({ id: 'b', name: 'A. Lee', email: 'ann@gmail.com', phone: '(555) 010-2000' });
    const sameName = aLead({ id: 'c', name: ' ann  LEE', email: 'a.lee@acme.com' });
    const otherCompany = aLead({ id: 'd', name: 'Ann Lee', email: 'ann@globex.com' });
    expect(duplicateReasons(ann, samePhone)).toEqual(['phone']);
    expect(duplicateReasons(ann, sameName)).toEqual(['name_at_account']);
    expect(duplicateReasons(ann, otherCompany)).toEqual([]);
    expect(duplicateReasons(ann, ann)).toEqual([]);
    expect(personNameKey('Zoë O’Brien')).toBe('zoe o brien');
  });

  it('fills only what the survivor lacks, and keeps an opt-out from either', () => {
    const survivor = aLead({ name: 'Ann Lee', email: null, phone: null, attributes: { plan: 'pro' } });
    const duplicate = aLead({
      id: 'b',
      name: 'Ann L.',
      email: 'ann@acme.com',
      phone: '+1 555 010 2000',
      optedOut: true,
      attributes: { plan: 'free', budget: 5000 },
    });
    expect(mergedFields(survivor, duplicate)).toEqual({
      email: 'ann@acme.com',
      phone: '+1 555 010 2000',
      optedOut: true,
      attributes: { budget: 5000 },
    });
  });

  it('derives the keys a write leaves behind', () => {
    const lead = aLead({ email: 'ann@gmail.com', company: 'Acme', phone: '555 010 2000' });
    expect(matchKeysAfter(lead, { company: 'Globex Inc' })).toEqual({
      accountKey: 'name:globex',
      phoneKey: '550102000',
    });
    expect(matchKeysAfter(lead, { email: 'ann@initech.com', phone: null })).toEqual({
      accountKey: 'initech.com',
      phoneKey: null,
    });
    expect(matchKeysAfter(null, { email: 'bob@gmail.com' })).toEqual({ accountKey: null, phoneKey: null });
  });
});
