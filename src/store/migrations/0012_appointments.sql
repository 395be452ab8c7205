-- Appointments (DOMAIN.md S4, issue 16): the OI's capacity plan (zones of INSEE codes, a slot grid per zone and kind,
-- closures, slots with their capacity) and the operators' appointments, with their transitions.
-- No overbooking, ever: a booking is `UPDATE appointment_slot SET booked = booked + 1 WHERE booked < capacity`, which
-- takes the slot's row lock (concurrent bookings of one slot queue on it, on every gateway instance, and re-read the
-- row after the lock); the CHECK (booked <= capacity) is the last word should any statement forget that condition.

CREATE TABLE appointment_zone (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A commune belongs to one zone at most: the zone that serves a codeInsee is one index probe.
CREATE TABLE appointment_zone_commune (
  insee_code  char(5) PRIMARY KEY CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  zone_id     bigint NOT NULL REFERENCES appointment_zone(id) ON DELETE CASCADE
);
CREATE INDEX appointment_zone_commune_zone ON appointment_zone_commune (zone_id);

-- The grid of a zone for one kind (src/domain/appointment-slots.ts GridRule): slots are made from it for the dates a
-- search asks, once (ON CONFLICT DO NOTHING), and keep their own capacity afterwards.
CREATE TABLE appointment_grid (
  zone_id             bigint NOT NULL REFERENCES appointment_zone(id) ON DELETE CASCADE,
  kind                text NOT NULL CHECK (kind IN ('SAV', 'SAV_PLUS', 'EXPERTISE')),
  weekdays            smallint[] NOT NULL CHECK (cardinality(weekdays) BETWEEN 1 AND 7 AND weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]),
  first_start_minute  integer NOT NULL CHECK (first_start_minute BETWEEN 300 AND 1410),
  slot_minutes        integer NOT NULL CHECK (slot_minutes BETWEEN 30 AND 720),
  slots_per_day       integer NOT NULL CHECK (slots_per_day >= 1),
  capacity            integer NOT NULL CHECK (capacity BETWEEN 0 AND 1000),
  on_holidays         boolean NOT NULL,
  CHECK (first_start_minute + slot_minutes * slots_per_day <= 1440),
  PRIMARY KEY (zone_id, kind)
);

-- A day without appointments in a zone (or in every zone: zone_id NULL), beyond the public holidays.
CREATE TABLE appointment_closure (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  zone_id     bigint REFERENCES appointment_zone(id) ON DELETE CASCADE,
  day         date NOT NULL,
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  UNIQUE NULLS NOT DISTINCT (zone_id, day)
);

CREATE TABLE appointment_slot (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  zone_id     bigint NOT NULL REFERENCES appointment_zone(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('SAV', 'SAV_PLUS', 'EXPERTISE')),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  capacity    integer NOT NULL CHECK (capacity BETWEEN 0 AND 1000),
  booked      integer NOT NULL DEFAULT 0,
  -- Closed by a closure declared after the slot was made: it keeps its appointments, it takes no more.
  closed      boolean NOT NULL DEFAULT false,
  CHECK (ends_at > starts_at),
  CHECK (booked >= 0 AND booked <= capacity),
  UNIQUE (zone_id, kind, starts_at)
);

-- The HMAC key of idCreneau (src/domain/slot-token.ts): one row, made by this migration, read by every instance.
-- 32 bytes from two random UUIDs (gen_random_uuid is built in since PostgreSQL 13; 244 random bits).
CREATE TABLE appointment_secret (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  hmac_key    bytea NOT NULL CHECK (length(hmac_key) = 32)
);
INSERT INTO appointment_secret (hmac_key)
VALUES (decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'));

CREATE SEQUENCE appointment_number;
CREATE TABLE appointment (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference         text NOT NULL UNIQUE,
  operator_id       bigint NOT NULL REFERENCES operator(id),
  slot_id           bigint NOT NULL REFERENCES appointment_slot(id),
  kind              text NOT NULL CHECK (kind IN ('SAV', 'SAV_PLUS', 'EXPERTISE')),
  insee_code        char(5) NOT NULL,
  market_segment    text,
  state             text NOT NULL CHECK (state IN ('CREE', 'CONFIRME', 'EN_COURS', 'TERMINE', 'MANQUE_OI', 'ECHEC_CLIENT', 'ANNULE')),
  -- The ticket it serves (referenceSignalisation), of the same operator.
  ticket_id         bigint REFERENCES ticket(id),
  -- The outcome recorded by the OI (complete, missed, failed): its note, and whether the miss counts against the OI.
  outcome_note      text CHECK (length(outcome_note) <= 500),
  created_at        timestamptz NOT NULL,
  state_changed_at  timestamptz NOT NULL
);
CREATE INDEX appointment_operator ON appointment (operator_id, created_at DESC);
CREATE INDEX appointment_slot_idx ON appointment (slot_id);
CREATE INDEX appointment_ticket ON appointment (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE appointment_transition (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  appointment_id  bigint NOT NULL REFERENCES appointment(id),
  operator_id     bigint NOT NULL REFERENCES operator(id),
  from_state      text,
  to_state        text NOT NULL,
  from_slot_id    bigint REFERENCES appointment_slot(id),
  to_slot_id      bigint REFERENCES appointment_slot(id),
  event           text NOT NULL,
  at              timestamptz NOT NULL,
  actor_kind      text NOT NULL CHECK (actor_kind IN ('oi', 'operator', 'system')),
  actor           text NOT NULL,
  reason          text
);
CREATE INDEX appointment_transition_appointment ON appointment_transition (appointment_id, id);
