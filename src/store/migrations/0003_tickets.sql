-- Trouble tickets (DOMAIN.md S1, S2, S3): the ticket, its transitions (from, to, when, who, reason) and comments.
-- Idempotent filing rests on the unique (operator, operator's reference) constraint, not on isolation levels.

CREATE SEQUENCE ticket_number;

CREATE TABLE ticket (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference            text NOT NULL UNIQUE,
  operator_id          bigint NOT NULL REFERENCES operator(id),
  service_pk           bigint NOT NULL REFERENCES service(id),
  service_id           text NOT NULL,
  offer_code           text NOT NULL,
  operator_reference   text NOT NULL,
  content_hash         text NOT NULL,
  form_id              text NOT NULL,
  form_version         integer NOT NULL,
  form_fields          jsonb NOT NULL,
  state                text NOT NULL CHECK (state IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_REJET', 'EN_COURS', 'GELE', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'ANNULE')),
  accepted_at          timestamptz NOT NULL,
  state_changed_at     timestamptz NOT NULL,
  closed_at            timestamptz,
  freeze_reason        text,
  freeze_detail        text,
  UNIQUE (operator_id, operator_reference)
);
CREATE INDEX ticket_operator_accepted ON ticket (operator_id, accepted_at DESC);
CREATE INDEX ticket_operator_state ON ticket (operator_id, state);
CREATE INDEX ticket_operator_service ON ticket (operator_id, service_id);
-- The nightly archiving of closed tickets past their acceptance delay.
CREATE INDEX ticket_closed ON ticket (closed_at) WHERE state IN ('CLOS', 'VALIDE');

CREATE TABLE ticket_transition (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES ticket(id),
  operator_id  bigint NOT NULL REFERENCES operator(id),
  from_state   text,
  to_state     text NOT NULL,
  at           timestamptz NOT NULL,
  actor_kind   text NOT NULL CHECK (actor_kind IN ('oi', 'operator', 'system')),
  actor        text NOT NULL,
  reason       text
);
CREATE INDEX ticket_transition_ticket ON ticket_transition (ticket_id, id);

CREATE TABLE ticket_comment (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES ticket(id),
  operator_id  bigint NOT NULL REFERENCES operator(id),
  author_kind  text NOT NULL CHECK (author_kind IN ('oi', 'operator')),
  author       text NOT NULL,
  text         text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  at           timestamptz NOT NULL
);
CREATE INDEX ticket_comment_ticket ON ticket_comment (ticket_id, id);

-- Every state change and comment, in order per ticket: what notifications are made of (at-least-once delivery
-- from this outbox, written in the same transaction as the change). event_id is what receivers deduplicate on.
CREATE TABLE ticket_event (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  ticket_id    bigint NOT NULL REFERENCES ticket(id),
  operator_id  bigint NOT NULL REFERENCES operator(id),
  kind         text NOT NULL CHECK (kind IN ('state', 'comment')),
  payload      jsonb NOT NULL,
  at           timestamptz NOT NULL
);
CREATE INDEX ticket_event_operator ON ticket_event (operator_id, id);
