-- Two more kinds of operator notice (0014), pushed with notification v2 like the planned works (README "Push
-- notifications"): each change of an appointment (issue 16: booked, moved, confirmed, cancelled, completed, missed by
-- the OI, failed because the customer was absent), subject 'appointment:<id>', and the result of a line test
-- (issue 17: TERMINE or ECHEC), subject 'line-test:<id>'. Same queue, order per subject and operator, worker and
-- delivery log.
ALTER TABLE operator_notice DROP CONSTRAINT operator_notice_kind_check;
ALTER TABLE operator_notice ADD CONSTRAINT operator_notice_kind_check CHECK (kind IN ('works', 'appointment', 'line_test'));
