-- L2 limits announced to operators' notification endpoints (README "Push notifications", contract notification v2,
-- operation notificationLimiteDebit), through the same queue, worker and delivery log as the ticket events (0004).

-- The version of the contract "notification" the operator's endpoint implements. The gateway sends it that version's
-- messages only: ticket events in that version's namespace, limit announcements from v2 on. Existing endpoints were
-- built against v1.
ALTER TABLE notification_endpoint ADD COLUMN contract_version integer NOT NULL DEFAULT 1 CHECK (contract_version BETWEEN 1 AND 99);

-- The OI's reasons, told to the operator with the announcement and the lifting when given.
ALTER TABLE load_limit
  ADD COLUMN reason text CHECK (length(reason) BETWEEN 1 AND 500),
  ADD COLUMN removal_reason text CHECK (length(removal_reason) BETWEEN 1 AND 500);

-- The outbox of limit announcements: one row per limit and status (ANNONCEE when declared; LEVEE when removed after
-- being announced), written in the transaction of the declaration or the removal. channel 'endpoint': pushed, with a
-- notification_delivery row; 'usual': the endpoint cannot take it (none, disabled, a contract version without the
-- operation or not in production), note says why, and the OI tells the operator by its usual channel. payload is the
-- message's content as decided then: every retry sends the same. event_id is what the operator deduplicates on.
CREATE TABLE limit_announcement (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  limit_id     bigint NOT NULL REFERENCES load_limit(id),
  operator_id  bigint NOT NULL REFERENCES operator(id),
  status       text NOT NULL CHECK (status IN ('ANNONCEE', 'LEVEE')),
  channel      text NOT NULL CHECK (channel IN ('endpoint', 'usual')),
  note         text,
  payload      jsonb NOT NULL,
  at           timestamptz NOT NULL,
  UNIQUE (limit_id, status)
);
CREATE INDEX limit_announcement_operator ON limit_announcement (operator_id, id);

-- One queue for every message to an operator: a delivery is now either a ticket event's (event_pk, ticket_id,
-- ticket_sequence) or a limit announcement's (announcement_pk, limit_id), keyed by its own id. The attempts log
-- follows (delivery_id); its event_pk stays for ticket deliveries.
ALTER TABLE notification_attempt DROP CONSTRAINT notification_attempt_event_pk_fkey;
ALTER TABLE notification_attempt DROP CONSTRAINT notification_attempt_pkey;
ALTER TABLE notification_delivery DROP CONSTRAINT notification_delivery_pkey;
ALTER TABLE notification_delivery
  ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN announcement_pk bigint REFERENCES limit_announcement(id),
  ADD COLUMN limit_id bigint REFERENCES load_limit(id),
  ALTER COLUMN event_pk DROP NOT NULL,
  ALTER COLUMN ticket_id DROP NOT NULL,
  ALTER COLUMN ticket_sequence DROP NOT NULL;
ALTER TABLE notification_delivery
  ADD PRIMARY KEY (id),
  ADD CONSTRAINT notification_delivery_event_unique UNIQUE (event_pk),
  ADD CONSTRAINT notification_delivery_announcement_unique UNIQUE (announcement_pk),
  ADD CONSTRAINT notification_delivery_one_message CHECK (
    (event_pk IS NOT NULL AND ticket_id IS NOT NULL AND ticket_sequence IS NOT NULL AND announcement_pk IS NULL AND limit_id IS NULL)
    OR (event_pk IS NULL AND ticket_id IS NULL AND ticket_sequence IS NULL AND announcement_pk IS NOT NULL AND limit_id IS NOT NULL));
-- withdrawn: an announcement never sent (no attempt, no claim) of a limit removed before it was: nothing to tell.
ALTER TABLE notification_delivery DROP CONSTRAINT notification_delivery_state_check;
ALTER TABLE notification_delivery ADD CONSTRAINT notification_delivery_state_check CHECK (state IN ('pending', 'delivered', 'withdrawn'));
-- Ordering per limit: a LEVEE waits for its ANNONCEE.
CREATE INDEX notification_delivery_limit_pending ON notification_delivery (limit_id, id) WHERE state = 'pending';

ALTER TABLE notification_attempt ADD COLUMN delivery_id bigint, ALTER COLUMN event_pk DROP NOT NULL;
UPDATE notification_attempt a SET delivery_id = d.id FROM notification_delivery d WHERE d.event_pk = a.event_pk;
ALTER TABLE notification_attempt
  ALTER COLUMN delivery_id SET NOT NULL,
  ADD PRIMARY KEY (delivery_id, attempt),
  ADD CONSTRAINT notification_attempt_delivery_fkey FOREIGN KEY (delivery_id) REFERENCES notification_delivery(id),
  ADD CONSTRAINT notification_attempt_event_fkey FOREIGN KEY (event_pk) REFERENCES notification_delivery(event_pk);
