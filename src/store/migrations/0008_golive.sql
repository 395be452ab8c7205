-- Go-live (DOMAIN.md A4). On the integration platform: each operator's successful calls, per web service.
CREATE TABLE golive_call (
  operator_id   bigint NOT NULL REFERENCES operator (id),
  service       text NOT NULL,
  first_ok_at   timestamptz NOT NULL,
  last_ok_at    timestamptz NOT NULL,
  calls         bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (operator_id, service)
);

-- On the production side: the validation of an operator, imported from a record signed by the OI's CA (or written
-- here directly when integration and production share one database).
CREATE TABLE golive_validation (
  operator_id   bigint PRIMARY KEY REFERENCES operator (id),
  validated_at  timestamptz NOT NULL,
  record        jsonb NOT NULL,
  signature     text,
  imported_at   timestamptz NOT NULL,
  imported_by   text NOT NULL
);
