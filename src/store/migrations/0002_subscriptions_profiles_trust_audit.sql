-- Operators' subscriptions (DOMAIN.md O1), profiles (A5), certificate sources and revocation (A2, A3),
-- recognised CAs managed at run time, the audit trail of every administrative change, and the change log that
-- tells every gateway instance to refresh its caches and trust store.

ALTER TABLE operator
  ADD COLUMN contract_reference   text UNIQUE,
  ADD COLUMN representative       jsonb,
  ADD COLUMN contact              jsonb,
  ADD COLUMN address              jsonb,
  ADD COLUMN esav_contact         jsonb,
  ADD COLUMN access_online        boolean NOT NULL DEFAULT false,
  ADD COLUMN access_integrated    boolean NOT NULL DEFAULT true,
  ADD COLUMN activation_date      date NOT NULL DEFAULT DATE '2026-01-01',
  ADD COLUMN termination_notified_on date,
  ADD COLUMN end_date             date,
  ADD CONSTRAINT operator_access_asked CHECK (access_online OR access_integrated),
  -- O1: two months' notice.
  ADD CONSTRAINT operator_notice CHECK (end_date IS NULL OR (termination_notified_on IS NOT NULL AND end_date >= termination_notified_on + interval '2 months'));

CREATE TABLE profile (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_id  bigint NOT NULL REFERENCES operator(id),
  name         text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  operations   text[] NOT NULL CHECK (cardinality(operations) > 0),
  offers       text[] NOT NULL CHECK (cardinality(offers) > 0),
  UNIQUE (operator_id, name)
);

-- Every operator gets the full profile; certificates without an explicit profile use it.
INSERT INTO profile (operator_id, name, operations, offers) SELECT id, 'complet', '{*}', '{*}' FROM operator;

ALTER TABLE client_certificate
  ADD COLUMN source          text NOT NULL DEFAULT 'oi_ca' CHECK (source IN ('oi_ca', 'recognised_ca')),
  ADD COLUMN profile_id      bigint REFERENCES profile(id),
  ADD COLUMN revoked_reason  text;
UPDATE client_certificate c SET profile_id = p.id FROM profile p WHERE p.operator_id = c.operator_id AND p.name = 'complet';
ALTER TABLE client_certificate ALTER COLUMN profile_id SET NOT NULL;
CREATE INDEX client_certificate_not_after ON client_certificate (not_after) WHERE state = 'active';

-- Recognised certificate authorities trusted at run time, besides the OI's own CA and ESAV_TRUSTED_CAS (A2).
CREATE TABLE trusted_ca (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint_sha256  text NOT NULL UNIQUE CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
  subject             text NOT NULL,
  not_after           timestamptz NOT NULL,
  pem                 text NOT NULL,
  added_at            timestamptz NOT NULL DEFAULT now(),
  removed_at          timestamptz
);

-- Who changed what, when, before and after (issue: operators and certificates, item 7).
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  action       text NOT NULL,
  entity       text NOT NULL,
  entity_key   text NOT NULL,
  operator_id  bigint REFERENCES operator(id),
  before       jsonb,
  after        jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key, at);

-- Each change to certificates, profiles, operators or trusted CAs adds a row and a NOTIFY esav_registry; every
-- instance also polls max(id) so that a lost notification delays a change by one poll interval at most.
CREATE TABLE registry_change (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind  text NOT NULL CHECK (kind IN ('certificates', 'trust')),
  at    timestamptz NOT NULL DEFAULT now()
);
