-- The nights whose jobs ran (archiving, purges): one instance runs them once per night (DOMAIN.md M1).
CREATE TABLE nightly_run (
  night   date PRIMARY KEY,
  at      timestamptz NOT NULL,
  report  jsonb NOT NULL
);
