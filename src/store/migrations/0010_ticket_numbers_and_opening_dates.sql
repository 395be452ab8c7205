-- The number of a ticket reference: at least seven digits, more when the sequence passes 9,999,999 (the contract's
-- pattern is SIG-[0-9]{4}-[0-9]{7,}). lpad alone would cut an eighth digit and repeat an existing reference.
CREATE FUNCTION ticket_number_text(n bigint) RETURNS text LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT lpad(n::text, greatest(7, length(n::text)), '0') $$;

-- The filing statement checks "open on the Paris date" in SQL and the domain says why a filing is refused from the
-- date as text (YYYY-MM-DD): an infinite or five-digit-year date would make the two disagree.
ALTER TABLE offer ADD CONSTRAINT offer_filing_opens_on_plain
  CHECK (isfinite(filing_opens_on) AND filing_opens_on BETWEEN '2000-01-01' AND '9999-12-31');
