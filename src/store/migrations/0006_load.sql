-- The load rules of the contract (article 6, DOMAIN.md L1 and L2).

-- L1: calls per Paris day, operator and category. Each gateway instance counts in memory and adds its counts here
-- every few seconds with additive upserts, so the rows are the sum over every instance.
CREATE TABLE call_volume (
  operator_id  bigint NOT NULL REFERENCES operator(id),
  day          date NOT NULL,
  category     text NOT NULL CHECK (category IN ('LINE_TEST', 'WORKS_INFO', 'FILING', 'STATE', 'HISTORY', 'OTHER')),
  ok           bigint NOT NULL DEFAULT 0 CHECK (ok >= 0),
  fault        bigint NOT NULL DEFAULT 0 CHECK (fault >= 0),
  PRIMARY KEY (operator_id, day, category)
);
-- The report reads a range of days for every operator.
CREATE INDEX call_volume_day ON call_volume (day);

-- L2: per-minute limits, announced the day before. Removing one (removed_at) lifts it at once.
CREATE TABLE load_limit (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_id  bigint NOT NULL REFERENCES operator(id),
  scope        text NOT NULL CHECK (scope IN ('LINE_TEST', 'WORKS_INFO', 'FILING', 'STATE', 'HISTORY', 'ALL')),
  per_minute   integer NOT NULL CHECK (per_minute BETWEEN 1 AND 1000000),
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz,
  declared_at  timestamptz NOT NULL,
  declared_by  text NOT NULL,
  removed_at   timestamptz,
  removed_by   text,
  CHECK (ends_at IS NULL OR ends_at > starts_at),
  -- The rule is checked by esav-admin with its message; the database keeps it whoever writes.
  CHECK (starts_at >= declared_at + interval '24 hours')
);
CREATE INDEX load_limit_current ON load_limit (operator_id) WHERE removed_at IS NULL;

-- L2 admission: the calls of one operator in one minute under one scope, incremented by every instance (an upsert
-- returning the new count), so a limit holds across instances. Only a few minutes are kept. UNLOGGED: a crash
-- loses at most the current minute's counts, which only forgives that minute, and writes skip the WAL.
CREATE UNLOGGED TABLE load_minute (
  operator_id  bigint NOT NULL,
  scope        text NOT NULL,
  minute       timestamptz NOT NULL,
  count        integer NOT NULL,
  PRIMARY KEY (operator_id, scope, minute)
);
CREATE INDEX load_minute_minute ON load_minute (minute);
