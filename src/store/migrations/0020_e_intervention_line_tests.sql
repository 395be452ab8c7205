-- e-intervention intermediate tests (issue 18): on the DO's M3TX the OI runs its own line test, through the line-test
-- queue and its drivers, on every impacted line still cut; once every test of one operator's lines has its outcome,
-- the result is relayed to the DO (M6TX) and relayed_at is set, in the same transaction as the outbox message.
CREATE TABLE e_intervention_line_test (
  intervention_id  bigint NOT NULL REFERENCES e_intervention(id) ON DELETE CASCADE,
  test_number      integer NOT NULL CHECK (test_number >= 1),
  operator_id      bigint NOT NULL REFERENCES operator(id),
  ref_pto          text NOT NULL,
  -- The line test is purged after 90 days; the link then says no more than that a test was run.
  line_test_id     bigint REFERENCES line_test(id) ON DELETE SET NULL,
  relayed_at       timestamptz,
  PRIMARY KEY (intervention_id, test_number, operator_id, ref_pto)
);
CREATE INDEX e_intervention_line_test_unrelayed ON e_intervention_line_test (intervention_id, test_number, operator_id) WHERE relayed_at IS NULL;
