-- The filing cross-check (issue 15 part 5): a ticket filed on a service inside an open network incident (DERCO) or a
-- planned work in progress (TP started, not closed) is linked to it when it is written, in the filing's statement.
-- The OI's comment on the ticket names the event and its expected end (the operator reads it through consultationDetail
-- and its notifications); the OI's ticket views show the link; closing the event comments on its linked tickets and,
-- on the OI's command, closes them. event_reference is kept when the event itself is purged (8 days after closure):
-- the ticket still says which incident it was filed in.
CREATE TABLE ticket_network_event (
  ticket_id        bigint NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  event_id         bigint REFERENCES network_event(id) ON DELETE SET NULL,
  event_reference  text NOT NULL,
  operator_id      bigint NOT NULL REFERENCES operator(id),
  linked_at        timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, event_reference)
);
CREATE INDEX ticket_network_event_event ON ticket_network_event (event_id) WHERE event_id IS NOT NULL;
