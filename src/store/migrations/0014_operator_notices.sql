-- Push messages that are neither a ticket's events nor a limit's announcements (README "Push notifications"):
-- first the planned works and network incidents that impact an operator's services (notification v2,
-- notificationTravaux, issue 15 part 4); appointments and line tests follow with their own kinds. Same queue,
-- worker, backoff and delivery log as the others (0004, 0009).

-- One row per message and operator, written in the transaction of the change itself. subject orders the messages:
-- those of one subject (a TP or DERCO: 'network-event:<id>') reach an operator in id order, the next once the
-- previous is delivered. channel 'endpoint': pushed, with a notification_delivery row; 'none': the operator's endpoint
-- cannot take it (none, disabled, a contract version without the operation or not in production), note says why, and
-- the operator reads the information through the web services (infoTravaux). payload is the message as decided then:
-- every retry sends the same. event_id is what the operator deduplicates on; sequence its numeroOrdre.
CREATE TABLE operator_notice (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  operator_id  bigint NOT NULL REFERENCES operator(id),
  kind         text NOT NULL CHECK (kind IN ('works')),
  subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
  sequence     integer NOT NULL CHECK (sequence > 0),
  channel      text NOT NULL CHECK (channel IN ('endpoint', 'none')),
  note         text,
  payload      jsonb NOT NULL,
  at           timestamptz NOT NULL,
  UNIQUE (subject, operator_id, sequence)
);
CREATE INDEX operator_notice_operator ON operator_notice (operator_id, id);

ALTER TABLE notification_delivery
  ADD COLUMN notice_pk bigint REFERENCES operator_notice(id),
  ADD COLUMN notice_subject text,
  ADD CONSTRAINT notification_delivery_notice_unique UNIQUE (notice_pk);
ALTER TABLE notification_delivery DROP CONSTRAINT notification_delivery_one_message;
ALTER TABLE notification_delivery ADD CONSTRAINT notification_delivery_one_message CHECK (
  (event_pk IS NOT NULL AND ticket_id IS NOT NULL AND ticket_sequence IS NOT NULL AND announcement_pk IS NULL AND limit_id IS NULL
     AND notice_pk IS NULL AND notice_subject IS NULL)
  OR (event_pk IS NULL AND ticket_id IS NULL AND ticket_sequence IS NULL AND announcement_pk IS NOT NULL AND limit_id IS NOT NULL
     AND notice_pk IS NULL AND notice_subject IS NULL)
  OR (event_pk IS NULL AND ticket_id IS NULL AND ticket_sequence IS NULL AND announcement_pk IS NULL AND limit_id IS NULL
     AND notice_pk IS NOT NULL AND notice_subject IS NOT NULL));
-- Ordering per subject: a later message of a TP waits for the earlier ones.
CREATE INDEX notification_delivery_subject_pending ON notification_delivery (notice_subject, id) WHERE state = 'pending';
