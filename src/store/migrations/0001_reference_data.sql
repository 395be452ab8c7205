-- Reference data of the gateway: operators, their client certificates, offers and rented services.
-- Every tenant-owned row carries operator_id (ARCHITECTURE.md §5); times are timestamptz in UTC.

CREATE TABLE operator (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{2,16}$'),
  name        text NOT NULL,
  siren       char(9) NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
  siret       char(14) CHECK (siret ~ '^[0-9]{14}$' AND left(siret, 9) = siren),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- DOMAIN.md A2/A3: a client certificate identifies an operator; matched by its SHA-256 fingerprint.
-- Issuer and serial are kept for audit. A certificate with no row is unregistered and gets no service.
CREATE TABLE client_certificate (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_id         bigint NOT NULL REFERENCES operator(id),
  fingerprint_sha256  text NOT NULL UNIQUE CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
  subject             text NOT NULL,
  issuer              text NOT NULL,
  serial_number       text NOT NULL,
  not_before          timestamptz NOT NULL,
  not_after           timestamptz NOT NULL,
  state               text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  revoked_at          timestamptz,
  CHECK (not_after > not_before)
);
CREATE INDEX client_certificate_operator ON client_certificate (operator_id);

-- An offer (Offre): S7 filing opens on a date; S5 a line test may be required before filing; S6 online filing.
CREATE TABLE offer (
  code                         text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,19}$'),
  label                        text NOT NULL,
  filing_opens_on              date NOT NULL,
  line_test_required_to_file   boolean NOT NULL DEFAULT false,
  online_filing_allowed        boolean NOT NULL DEFAULT true
);

-- A rented service (Identifiant de Prestation), owned by one operator.
CREATE TABLE service (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id           text NOT NULL UNIQUE CHECK (service_id ~ '^[A-Z0-9][A-Z0-9-]{3,39}$'),
  operator_id          bigint NOT NULL REFERENCES operator(id),
  offer_code           text NOT NULL REFERENCES offer(code),
  state                text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'terminated', 'archived')),
  activated_on         date NOT NULL,
  complementary_info   text CHECK (length(complementary_info) <= 1000),
  created_at           timestamptz NOT NULL DEFAULT now()
);
-- Reads are always by (operator, service id): the scoped lookup is one index probe.
CREATE UNIQUE INDEX service_operator_service_id ON service (operator_id, service_id);

-- The two ends of a service (A: network side, e.g. the PM; Z: customer side, e.g. the PTO).
CREATE TABLE service_end (
  service_pk     bigint NOT NULL REFERENCES service(id) ON DELETE CASCADE,
  operator_id    bigint NOT NULL REFERENCES operator(id),
  end_code       char(1) NOT NULL CHECK (end_code IN ('A', 'Z')),
  label          text NOT NULL,
  street_number  text,
  street         text NOT NULL,
  complement     text,
  postcode       char(5) NOT NULL CHECK (postcode ~ '^[0-9]{5}$'),
  city           text NOT NULL,
  insee_code     char(5) CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  pm_ref         text,
  pbo_ref        text,
  pto_ref        text,
  PRIMARY KEY (service_pk, end_code)
);

-- Service guarantees, e.g. a GTR of 4 hours in working hours (HO) or at all hours (HNO).
CREATE TABLE service_guarantee (
  service_pk         bigint NOT NULL REFERENCES service(id) ON DELETE CASCADE,
  operator_id        bigint NOT NULL REFERENCES operator(id),
  kind               text NOT NULL CHECK (kind IN ('GTR', 'GTI')),
  label              text NOT NULL,
  restoration_hours  integer CHECK (restoration_hours > 0),
  hours              text CHECK (hours IN ('HO', 'HNO')),
  PRIMARY KEY (service_pk, kind)
);
