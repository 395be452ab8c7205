-- Push notifications (README "Push notifications"): an operator's endpoint, one delivery per ticket event, and the
-- log of every attempt. The queue lives here, in PostgreSQL, so that several gateway instances share it
-- (ARCHITECTURE.md §5): workers claim due deliveries with FOR UPDATE SKIP LOCKED and a lease.

-- At most one endpoint per operator (contract "notification" v1, implemented by the operator). https only: the
-- gateway authenticates with its client certificate and checks the endpoint's server certificate (mutual TLS).
CREATE TABLE notification_endpoint (
  operator_id           bigint PRIMARY KEY REFERENCES operator(id),
  url                   text NOT NULL CHECK (url ~ '^https://[^\s/?#@]+(/[^\s#]*)?$' AND length(url) <= 2000),
  soap_version          text NOT NULL DEFAULT '1.1' CHECK (soap_version IN ('1.1', '1.2')),
  enabled               boolean NOT NULL DEFAULT true,
  registered_at         timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  last_success_at       timestamptz,
  last_failure_at       timestamptz,
  last_error            text,
  -- > 0: the endpoint's last attempt failed. Workers then send it one delivery at a time (a probe), not before
  -- probe_after (the backoff of its consecutive failures): a dead endpoint costs one call per interval, not one per
  -- pending ticket, and never holds back the other operators' notifications. A success resets both.
  consecutive_failures  integer NOT NULL DEFAULT 0,
  probe_after           timestamptz
);

-- One row per ticket event to notify, written in the same transaction as the event (src/store/notification-outbox.ts)
-- while the operator's endpoint is enabled: events before the registration, or while disabled, are not sent.
-- Keyed by the event: a delivery is the event's, never duplicated. ticket_sequence is the event's rank among all the
-- events of its ticket (numeroOrdre on the wire).
CREATE TABLE notification_delivery (
  event_pk          bigint PRIMARY KEY REFERENCES ticket_event(id),
  operator_id       bigint NOT NULL REFERENCES operator(id),
  ticket_id         bigint NOT NULL REFERENCES ticket(id),
  ticket_sequence   integer NOT NULL CHECK (ticket_sequence > 0),
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  -- A worker holds the delivery until then while its call is in flight; a crashed worker's lease just expires.
  lease_until       timestamptz,
  last_error        text,
  delivered_at      timestamptz,
  UNIQUE (ticket_id, ticket_sequence)
);
-- The claim: due pending deliveries, oldest first.
CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE state = 'pending';
-- Ordering per ticket: is an earlier event of the same ticket still pending?
CREATE INDEX notification_delivery_ticket_pending ON notification_delivery (ticket_id, event_pk) WHERE state = 'pending';
CREATE INDEX notification_delivery_operator ON notification_delivery (operator_id, event_pk);

-- The delivery log: every attempt, successful or not.
CREATE TABLE notification_attempt (
  event_pk      bigint NOT NULL REFERENCES notification_delivery(event_pk),
  attempt       integer NOT NULL CHECK (attempt > 0),
  operator_id   bigint NOT NULL REFERENCES operator(id),
  at            timestamptz NOT NULL,
  url           text NOT NULL,
  http_status   integer,
  outcome       text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'failed-stalled')),
  error         text,
  duration_ms   integer NOT NULL,
  PRIMARY KEY (event_pk, attempt)
);
CREATE INDEX notification_attempt_operator ON notification_attempt (operator_id, at DESC);

-- numeroOrdre: the rank of an event among its ticket's events.
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, id);
