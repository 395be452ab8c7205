-- The OI's network (issue 15, part 1): PM (mutualisation point), PMT (its technical PMs), PBO (street box), PTO
-- (wall socket, "prise", in a building), imported from the OI's files. One table for every kind so that an element
-- is found by its reference alone; each element also carries its PM (and PBO / PMT) directly, so "everything
-- downstream of X" is one index probe, not a recursive walk (impact of a planned work on 100k prises).
CREATE TABLE network_element (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('PM', 'PMT', 'PBO', 'PTO')),
  ref          text NOT NULL UNIQUE CHECK (ref ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  pm_id        bigint REFERENCES network_element(id),
  pmt_id       bigint REFERENCES network_element(id),
  pbo_id       bigint REFERENCES network_element(id),
  building_id  text CHECK (length(building_id) <= 64),
  label        text CHECK (length(label) <= 200),
  insee_code   char(5) CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- Retired: present in an earlier import of its PM's scope, absent from a later one. Kept (events and tickets may
  -- name it) but no longer downstream of anything.
  retired_at   timestamptz,
  CHECK ((kind = 'PM') = (pm_id IS NULL)),
  CHECK (kind = 'PTO' OR (pbo_id IS NULL AND building_id IS NULL)),
  CHECK (kind <> 'PTO' OR (pbo_id IS NOT NULL AND building_id IS NOT NULL)),
  CHECK (kind IN ('PBO', 'PTO') OR pmt_id IS NULL)
);
CREATE INDEX network_element_pm ON network_element (pm_id, kind) WHERE retired_at IS NULL;
CREATE INDEX network_element_pmt ON network_element (pmt_id) WHERE pmt_id IS NOT NULL AND retired_at IS NULL;
CREATE INDEX network_element_pbo ON network_element (pbo_id) WHERE pbo_id IS NOT NULL AND retired_at IS NULL;

-- Which rented service sits on which element: a "prestation prise" on a PTO (the Z end's pto_ref), a
-- "prestation PM" on a PM (the A end's pm_ref of a service with no PTO). Derived from the ends' text references,
-- which stay as they were (what operators read), and refreshed by every import.
CREATE TABLE service_attachment (
  service_pk   bigint PRIMARY KEY REFERENCES service(id) ON DELETE CASCADE,
  operator_id  bigint NOT NULL REFERENCES operator(id),
  role         text NOT NULL CHECK (role IN ('prise', 'pm')),
  element_id   bigint NOT NULL REFERENCES network_element(id)
);
CREATE INDEX service_attachment_element ON service_attachment (element_id);
CREATE INDEX service_end_pto_ref ON service_end (pto_ref) WHERE pto_ref IS NOT NULL;
CREATE INDEX service_end_pm_ref ON service_end (pm_ref) WHERE pm_ref IS NOT NULL;

-- Planned works (TP) and network incidents (DERCO), issue 15 part 2, with the Interop'Fibre infoTravauxFTTH fields.
CREATE SEQUENCE network_event_number;
CREATE TABLE network_event (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference               text NOT NULL UNIQUE,
  category                text NOT NULL CHECK (category IN ('TP', 'DERCO')),
  equipment_kind          text NOT NULL CHECK (equipment_kind IN ('PM', 'PMT', 'PBO', 'LIENPMPBO')),
  element_id              bigint NOT NULL REFERENCES network_element(id),
  pm_id                   bigint NOT NULL REFERENCES network_element(id),
  state                   text NOT NULL CHECK (state IN ('NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE')),
  nature                  text CHECK (nature IN ('DEPL', 'REFE', 'DSCM', 'EXTE', 'INGE', 'CHGC', 'AUTR')),
  starts_at               timestamptz,
  ends_at                 timestamptz,
  curative                boolean NOT NULL DEFAULT false,
  intervention_required   boolean NOT NULL DEFAULT false,
  comments                text CHECK (length(comments) <= 512),
  oi_contact              text CHECK (length(oi_contact) <= 200),
  created_at              timestamptz NOT NULL,
  modified_at             timestamptz NOT NULL,
  closed_at               timestamptz,
  CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at),
  CHECK ((state IN ('CLOTURE', 'ANNULE')) = (closed_at IS NOT NULL))
);
CREATE INDEX network_event_open ON network_event (id) WHERE closed_at IS NULL;
CREATE INDEX network_event_closed ON network_event (closed_at) WHERE closed_at IS NOT NULL;

-- What an event impacts, computed from the inventory and stored with it: every prise downstream (service_pk null
-- when no service sits on it), one row per service on it, and the PM prestations at the event's PM (prise_id null).
-- operator_id is the owner of the service, so an operator's view is one index range (A6).
CREATE TABLE network_event_impact (
  event_id     bigint NOT NULL REFERENCES network_event(id) ON DELETE CASCADE,
  prise_id     bigint REFERENCES network_element(id),
  service_pk   bigint REFERENCES service(id) ON DELETE CASCADE,
  operator_id  bigint REFERENCES operator(id),
  CHECK (prise_id IS NOT NULL OR service_pk IS NOT NULL),
  CHECK ((service_pk IS NULL) = (operator_id IS NULL))
);
CREATE INDEX network_event_impact_event ON network_event_impact (event_id);
CREATE INDEX network_event_impact_operator ON network_event_impact (operator_id, event_id) WHERE operator_id IS NOT NULL;
-- The filing cross-check (issue 15 part 5): "open events impacting service S" is one probe.
CREATE INDEX network_event_impact_service ON network_event_impact (service_pk, event_id) WHERE service_pk IS NOT NULL;
