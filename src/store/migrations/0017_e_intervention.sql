-- e-intervention Lot 2 (issue 18; DOMAIN.md E1, E2, E3): the OI's hub of the Interop'Fibre E-Intervention flows.
-- An intervention is keyed by the OI's refIntervOI; its DO's own reference is unique per DO (a replayed M1 finds
-- the intervention it created, never a second one).
CREATE SEQUENCE e_intervention_number;
CREATE TABLE e_intervention (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ref_interv_oi    text NOT NULL UNIQUE CHECK (length(ref_interv_oi) <= 50),
  do_operator_id   bigint NOT NULL REFERENCES operator(id),
  ref_interv_do    text NOT NULL CHECK (length(ref_interv_do) BETWEEN 1 AND 50),
  pm_id            bigint NOT NULL REFERENCES network_element(id),
  ref_pm           text NOT NULL,
  ref_pm_technique text NOT NULL,
  ref_pbo          text NOT NULL,
  ref_pto          text,
  nature           text NOT NULL,
  element_reseau   text,
  description      text,
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz,
  state            text NOT NULL CHECK (state IN ('EN_COURS', 'TERMINEE', 'CLOTUREE')),
  test_number      integer NOT NULL CHECK (test_number >= 0),
  test_opened_at   timestamptz NOT NULL,
  declared_at      timestamptz NOT NULL,
  closed_at        timestamptz,
  UNIQUE (do_operator_id, ref_interv_do),
  CHECK ((state = 'CLOTUREE') = (closed_at IS NOT NULL)),
  CHECK ((state = 'EN_COURS') = (ended_at IS NULL))
);
CREATE INDEX e_intervention_open_at_pm ON e_intervention (pm_id) WHERE state <> 'CLOTUREE';

-- The operators present at the PM when it was declared, told of it (M2): each one's standing consent then, its
-- answer for this intervention, and the last test it reported on.
CREATE TABLE e_intervention_recipient (
  intervention_id  bigint NOT NULL REFERENCES e_intervention(id) ON DELETE CASCADE,
  operator_id      bigint NOT NULL REFERENCES operator(id),
  standing         text NOT NULL CHECK (standing IN ('TOUJOURS', 'JAMAIS', 'A_DEMANDER')),
  answer           boolean,
  reported_test    integer NOT NULL DEFAULT -1,
  closed_test      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (intervention_id, operator_id)
);
CREATE INDEX e_intervention_recipient_operator ON e_intervention_recipient (operator_id, intervention_id);

-- The customer lines an operator reported cut (M5TX), one per operator and PTO, with the optical route.
CREATE TABLE e_intervention_line (
  intervention_id       bigint NOT NULL REFERENCES e_intervention(id) ON DELETE CASCADE,
  operator_id           bigint NOT NULL REFERENCES operator(id),
  ref_pto               text NOT NULL,
  ref_pbo               text NOT NULL,
  nom_module_pm         text NOT NULL,
  position_module_pm    text NOT NULL,
  position_coupleur_oc  text NOT NULL,
  fibre                 text NOT NULL,
  tube                  text NOT NULL,
  couleur_jarretiere    text,
  numero_serie_ont      text,
  service_id            text,
  cut_at                timestamptz NOT NULL,
  restored_at           timestamptz,
  restored_by_do        boolean NOT NULL DEFAULT false,
  reported_in_test      integer NOT NULL,
  PRIMARY KEY (intervention_id, operator_id, ref_pto)
);
CREATE INDEX e_intervention_line_operator ON e_intervention_line (operator_id, intervention_id);

-- E2: the OI's standing consent per operator (always, never, ask each time); an operator without a row: ask.
CREATE TABLE e_intervention_consent (
  operator_id  bigint PRIMARY KEY REFERENCES operator(id),
  standing     text NOT NULL CHECK (standing IN ('TOUJOURS', 'JAMAIS', 'A_DEMANDER')),
  updated_at   timestamptz NOT NULL
);

-- Each operator's endpoints, per role: as an OC (M2, M4, M4TX, report) and as a DO (M6TX). base_url is the
-- server root of the files (https://host/…/v2); health as the notification endpoints keep it.
CREATE TABLE e_intervention_endpoint (
  operator_id           bigint NOT NULL REFERENCES operator(id),
  role                  text NOT NULL CHECK (role IN ('OC', 'DO')),
  base_url              text NOT NULL CHECK (base_url ~ '^https://'),
  enabled               boolean NOT NULL DEFAULT true,
  consecutive_failures  integer NOT NULL DEFAULT 0,
  retry_at              timestamptz,
  last_success_at       timestamptz,
  last_failure_at       timestamptz,
  last_error            text,
  updated_at            timestamptz NOT NULL,
  PRIMARY KEY (operator_id, role)
);

-- The outbox: every message the OI sends, written in the transaction of the change that causes it, delivered at
-- least once and in order per intervention and recipient (only the oldest undone message of a pair is claimed).
CREATE TABLE e_intervention_message (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  intervention_id  bigint NOT NULL REFERENCES e_intervention(id) ON DELETE CASCADE,
  operator_id      bigint NOT NULL REFERENCES operator(id),
  role             text NOT NULL CHECK (role IN ('OC', 'DO')),
  operation        text NOT NULL,
  body             jsonb NOT NULL,
  created_at       timestamptz NOT NULL,
  -- refused: the endpoint answered the file's 400 (its code kept in last_error); it is not sent again.
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'refused')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  lease_until      timestamptz,
  done_at          timestamptz,
  last_error       text
);
CREATE INDEX e_intervention_message_pending ON e_intervention_message (intervention_id, operator_id, id) WHERE state = 'pending';

CREATE TABLE e_intervention_attempt (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id   bigint NOT NULL REFERENCES e_intervention_message(id) ON DELETE CASCADE,
  at           timestamptz NOT NULL,
  url          text NOT NULL,
  http_status  integer,
  duration_ms  integer NOT NULL,
  error        text
);
CREATE INDEX e_intervention_attempt_message ON e_intervention_attempt (message_id);

-- After-sales (issue 18 part 4): a ticket filed on a service whose line an open intervention reported cut (and not
-- restored) is linked to that intervention in the filing's own statement, as a ticket filed inside a network incident.
CREATE TABLE ticket_e_intervention (
  ticket_id        bigint NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  intervention_id  bigint NOT NULL REFERENCES e_intervention(id) ON DELETE CASCADE,
  ref_interv_oi    text NOT NULL,
  operator_id      bigint NOT NULL REFERENCES operator(id),
  linked_at        timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, intervention_id)
);
CREATE INDEX ticket_e_intervention_intervention ON ticket_e_intervention (intervention_id);
-- The filing's probe: one index range per filing, empty when no intervention cut the operator's service.
CREATE INDEX e_intervention_line_cut_service ON e_intervention_line (operator_id, service_id) WHERE restored_at IS NULL AND service_id IS NOT NULL;
