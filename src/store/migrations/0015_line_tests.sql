-- Line tests (issue 17, DOMAIN.md S5): the activated offers' form, the simulated network's element states, and the
-- tests themselves, which are also their queue (claimed with SKIP LOCKED and a lease by src/jobs/line-test-worker.ts).

-- An offer whose tickets are filed with another offer's form (the activated FTTH offer files with the FTTH form).
ALTER TABLE offer ADD COLUMN form_offer text REFERENCES offer(code);

-- The simulated network (issue 17 part 4a): the state the OI gives an element; the tests of every line behind it
-- read it (a cut on a PBO shows on each of its prises). One state per element; none = sound.
CREATE TABLE network_element_state (
  element_id  bigint PRIMARY KEY REFERENCES network_element(id),
  fault       text NOT NULL CHECK (fault IN ('HORS_LIGNE', 'NIVEAU_BAS', 'COUPURE', 'PORT_PM_HS', 'PON_HS', 'SANS_REPONSE', 'LENT')),
  -- COUPURE: metres from the PM; NIVEAU_BAS: extra loss in dB; LENT: milliseconds before the element answers.
  value       numeric CHECK (value IS NULL OR value >= 0),
  set_at      timestamptz NOT NULL,
  set_by      text NOT NULL
);

-- TST-AAAAMMJJ-NNNNNN: the Paris day of the launch and this sequence modulo 1,000,000 (unique per day well beyond
-- any day's volume; the unique constraint is the guard).
CREATE SEQUENCE line_test_number;
CREATE TABLE line_test (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference        text NOT NULL UNIQUE CHECK (reference ~ '^TST-[0-9]{8}-[0-9]{6}$'),
  operator_id      bigint NOT NULL REFERENCES operator(id),
  service_pk       bigint NOT NULL REFERENCES service(id) ON DELETE CASCADE,
  service_id       text NOT NULL,
  test_code        text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('ETAT_EQUIPEMENT', 'ACTIVATION_SERVICE', 'ELEMENT_ACTIF', 'ELEMENT_PASSIF', 'ETAT_CONNEXION', 'ACTION')),
  parameters       jsonb NOT NULL DEFAULT '{}',
  thresholds       jsonb NOT NULL DEFAULT '{}',
  -- The element whose equipment runs the test (the PM's OLT port): the concurrency cap counts per element.
  element_key      text NOT NULL,
  -- EN_ATTENTE (queued, or waiting for a retry) and EN_COURS (claimed) are both EN_COURS on the wire.
  state            text NOT NULL CHECK (state IN ('EN_ATTENTE', 'EN_COURS', 'TERMINE', 'ECHEC')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
  timeout_ms       integer NOT NULL CHECK (timeout_ms > 0),
  next_attempt_at  timestamptz NOT NULL,
  lease_until      timestamptz,
  claimed_by       text,
  launched_at      timestamptz NOT NULL,
  finished_at      timestamptz,
  measures         jsonb,
  diagnosis        text CHECK (diagnosis IN ('AUCUN_DEFAUT', 'CLIENT', 'PTO', 'PBO', 'PM', 'RESEAU', 'INDETERMINE')),
  failure_reason   text,
  actor            text NOT NULL,
  CHECK ((state IN ('TERMINE', 'ECHEC')) = (finished_at IS NOT NULL)),
  CHECK (state <> 'EN_COURS' OR lease_until IS NOT NULL)
);
CREATE INDEX line_test_due ON line_test (next_attempt_at, id) WHERE state = 'EN_ATTENTE';
CREATE INDEX line_test_claimed ON line_test (element_key, lease_until) WHERE state = 'EN_COURS';
CREATE INDEX line_test_operator_service ON line_test (operator_id, service_id, launched_at DESC);
-- The action's limit per service and hour; the filing rule's "latest result of these tests on this service".
CREATE INDEX line_test_service_code ON line_test (service_pk, test_code, launched_at DESC);
-- The nightly purge after 90 days.
CREATE INDEX line_test_launched ON line_test (launched_at);

-- The test a filing relied on (issue 17 part 5: the prerequisite of its offer, or its form's testPrealable), for the
-- OI's view of the ticket. By reference: the ticket outlives the test's 90 days (the view then shows the reference).
CREATE TABLE ticket_line_test (
  ticket_id       bigint PRIMARY KEY REFERENCES ticket(id),
  operator_id     bigint NOT NULL REFERENCES operator(id),
  test_reference  text NOT NULL
);
