-- Planned maintenance of the service (DOMAIN.md M2), announced at least 2 working days before it starts.
CREATE TABLE planned_maintenance (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  announced_at  timestamptz NOT NULL,
  cancelled_at  timestamptz,
  CHECK (ends_at > starts_at)
);
CREATE INDEX planned_maintenance_ends ON planned_maintenance (ends_at) WHERE cancelled_at IS NULL;

-- Planned maintenance changes reach every instance like registry changes.
ALTER TABLE registry_change DROP CONSTRAINT registry_change_kind_check;
ALTER TABLE registry_change ADD CONSTRAINT registry_change_kind_check CHECK (kind IN ('certificates', 'trust', 'maintenance'));
