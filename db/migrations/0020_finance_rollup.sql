-- Finance totals that are instant (lib/finance/totals.ts reads only finance_daily): every change to
-- transactions adds its difference to the rollup in the writer's own statement, through
-- statement-level triggers with transition tables, so every writer (the ingest's one statement,
-- verification, settlements, the bulk seed, psql) keeps it exact without code of its own, a
-- rolled-back change leaves it as it was, and a bulk insert of 100,000 rows costs one grouped
-- upsert rather than 100,000. Payments of today and yesterday (IST) spread over four slots per key
-- (the payment's id % 4), so concurrent webhooks of the same day, status and mode mostly lock
-- different rows; older days keep one row per key, so reads stay small. A slot is only where a
-- difference was added: readers and the verification sum a key's slots (a slot may even go
-- negative when a payment moves after its day turned old; the key's sum stays exact). Rows are
-- upserted in key order, so two writers touching the same
-- keys lock them in the same order (no deadlock). `npm run finance:verify` recomputes it.
--
-- What one payment contributes is written in the view finance_daily_expected (the verification)
-- and in the three trigger functions below, generated from one template; keep them the same.
CREATE OR REPLACE VIEW finance_daily_expected AS
  SELECT (t.txn_at AT TIME ZONE 'Asia/Kolkata')::date AS ist_day, t.provider, t.status, t.status_family,
         coalesce(t.payment_mode, '') AS payment_mode, coalesce(t.currency, '') AS currency,
         (t.verification = 'mismatch' OR 'status_conflict' = ANY (t.flags)) AS contradicted,
         0::smallint AS slot,
         count(*)::bigint AS payments,
         coalesce(sum(t.final_amount), 0)::numeric AS gross,
         coalesce(sum(CASE WHEN t.status_family = 'success'
                           THEN coalesce(t.refunded_amount, CASE WHEN t.status IN ('REFUNDED', 'AUTO_REFUNDED') THEN t.final_amount END, 0)
                           ELSE 0 END), 0)::numeric AS refunds,
         count(*) FILTER (WHERE t.status = 'PARTIALLY_REFUNDED' AND t.refunded_amount IS NULL)::bigint AS refund_unknown,
         coalesce(sum(coalesce(t.mdr, 0) + coalesce(t.mdr_gst, 0)), 0)::numeric AS fees,
         coalesce(sum(coalesce(t.surcharge, 0) + coalesce(t.surcharge_gst, 0)), 0)::numeric AS surcharge
  FROM transactions t
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION payops_finance_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH changed AS (
    SELECT 1 AS sign, id, txn_at, provider, status, status_family, payment_mode, currency, verification, flags, final_amount, refunded_amount, mdr, mdr_gst, surcharge, surcharge_gst FROM new_rows
  ), delta AS (
    SELECT (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date AS ist_day, c.provider, c.status, c.status_family,
           coalesce(c.payment_mode, '') AS payment_mode, coalesce(c.currency, '') AS currency,
           (c.verification = 'mismatch' OR 'status_conflict' = ANY (c.flags)) AS contradicted,
           CASE WHEN (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date >= (now() AT TIME ZONE 'Asia/Kolkata')::date - 1
                THEN (c.id % 4)::smallint ELSE 0::smallint END AS slot,
           sum(c.sign)::bigint AS payments,
           coalesce(sum(c.sign * c.final_amount), 0) AS gross,
           coalesce(sum(c.sign * CASE WHEN c.status_family = 'success'
                                      THEN coalesce(c.refunded_amount, CASE WHEN c.status IN ('REFUNDED', 'AUTO_REFUNDED') THEN c.final_amount END, 0)
                                      ELSE 0 END), 0) AS refunds,
           coalesce(sum(c.sign) FILTER (WHERE c.status = 'PARTIALLY_REFUNDED' AND c.refunded_amount IS NULL), 0)::bigint AS refund_unknown,
           coalesce(sum(c.sign * (coalesce(c.mdr, 0) + coalesce(c.mdr_gst, 0))), 0) AS fees,
           coalesce(sum(c.sign * (coalesce(c.surcharge, 0) + coalesce(c.surcharge_gst, 0))), 0) AS surcharge
    FROM changed c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  )
  INSERT INTO finance_daily AS f (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot,
                                  payments, gross, refunds, refund_unknown, fees, surcharge)
  SELECT * FROM delta d
  -- An UPDATE that moved nothing the rollup counts cancels out here.
  WHERE d.payments <> 0 OR d.gross <> 0 OR d.refunds <> 0 OR d.refund_unknown <> 0 OR d.fees <> 0 OR d.surcharge <> 0
  ORDER BY d.ist_day, d.provider, d.status, d.status_family, d.payment_mode, d.currency, d.contradicted, d.slot
  ON CONFLICT (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot) DO UPDATE
    SET payments = f.payments + excluded.payments,
        gross = f.gross + excluded.gross,
        refunds = f.refunds + excluded.refunds,
        refund_unknown = f.refund_unknown + excluded.refund_unknown,
        fees = f.fees + excluded.fees,
        surcharge = f.surcharge + excluded.surcharge;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION payops_finance_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH changed AS (
    SELECT 1 AS sign, id, txn_at, provider, status, status_family, payment_mode, currency, verification, flags, final_amount, refunded_amount, mdr, mdr_gst, surcharge, surcharge_gst FROM new_rows
    UNION ALL
    SELECT -1 AS sign, id, txn_at, provider, status, status_family, payment_mode, currency, verification, flags, final_amount, refunded_amount, mdr, mdr_gst, surcharge, surcharge_gst FROM old_rows
  ), delta AS (
    SELECT (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date AS ist_day, c.provider, c.status, c.status_family,
           coalesce(c.payment_mode, '') AS payment_mode, coalesce(c.currency, '') AS currency,
           (c.verification = 'mismatch' OR 'status_conflict' = ANY (c.flags)) AS contradicted,
           CASE WHEN (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date >= (now() AT TIME ZONE 'Asia/Kolkata')::date - 1
                THEN (c.id % 4)::smallint ELSE 0::smallint END AS slot,
           sum(c.sign)::bigint AS payments,
           coalesce(sum(c.sign * c.final_amount), 0) AS gross,
           coalesce(sum(c.sign * CASE WHEN c.status_family = 'success'
                                      THEN coalesce(c.refunded_amount, CASE WHEN c.status IN ('REFUNDED', 'AUTO_REFUNDED') THEN c.final_amount END, 0)
                                      ELSE 0 END), 0) AS refunds,
           coalesce(sum(c.sign) FILTER (WHERE c.status = 'PARTIALLY_REFUNDED' AND c.refunded_amount IS NULL), 0)::bigint AS refund_unknown,
           coalesce(sum(c.sign * (coalesce(c.mdr, 0) + coalesce(c.mdr_gst, 0))), 0) AS fees,
           coalesce(sum(c.sign * (coalesce(c.surcharge, 0) + coalesce(c.surcharge_gst, 0))), 0) AS surcharge
    FROM changed c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  )
  INSERT INTO finance_daily AS f (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot,
                                  payments, gross, refunds, refund_unknown, fees, surcharge)
  SELECT * FROM delta d
  -- An UPDATE that moved nothing the rollup counts cancels out here.
  WHERE d.payments <> 0 OR d.gross <> 0 OR d.refunds <> 0 OR d.refund_unknown <> 0 OR d.fees <> 0 OR d.surcharge <> 0
  ORDER BY d.ist_day, d.provider, d.status, d.status_family, d.payment_mode, d.currency, d.contradicted, d.slot
  ON CONFLICT (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot) DO UPDATE
    SET payments = f.payments + excluded.payments,
        gross = f.gross + excluded.gross,
        refunds = f.refunds + excluded.refunds,
        refund_unknown = f.refund_unknown + excluded.refund_unknown,
        fees = f.fees + excluded.fees,
        surcharge = f.surcharge + excluded.surcharge;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION payops_finance_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH changed AS (
    SELECT -1 AS sign, id, txn_at, provider, status, status_family, payment_mode, currency, verification, flags, final_amount, refunded_amount, mdr, mdr_gst, surcharge, surcharge_gst FROM old_rows
  ), delta AS (
    SELECT (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date AS ist_day, c.provider, c.status, c.status_family,
           coalesce(c.payment_mode, '') AS payment_mode, coalesce(c.currency, '') AS currency,
           (c.verification = 'mismatch' OR 'status_conflict' = ANY (c.flags)) AS contradicted,
           CASE WHEN (c.txn_at AT TIME ZONE 'Asia/Kolkata')::date >= (now() AT TIME ZONE 'Asia/Kolkata')::date - 1
                THEN (c.id % 4)::smallint ELSE 0::smallint END AS slot,
           sum(c.sign)::bigint AS payments,
           coalesce(sum(c.sign * c.final_amount), 0) AS gross,
           coalesce(sum(c.sign * CASE WHEN c.status_family = 'success'
                                      THEN coalesce(c.refunded_amount, CASE WHEN c.status IN ('REFUNDED', 'AUTO_REFUNDED') THEN c.final_amount END, 0)
                                      ELSE 0 END), 0) AS refunds,
           coalesce(sum(c.sign) FILTER (WHERE c.status = 'PARTIALLY_REFUNDED' AND c.refunded_amount IS NULL), 0)::bigint AS refund_unknown,
           coalesce(sum(c.sign * (coalesce(c.mdr, 0) + coalesce(c.mdr_gst, 0))), 0) AS fees,
           coalesce(sum(c.sign * (coalesce(c.surcharge, 0) + coalesce(c.surcharge_gst, 0))), 0) AS surcharge
    FROM changed c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  )
  INSERT INTO finance_daily AS f (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot,
                                  payments, gross, refunds, refund_unknown, fees, surcharge)
  SELECT * FROM delta d
  -- An UPDATE that moved nothing the rollup counts cancels out here.
  WHERE d.payments <> 0 OR d.gross <> 0 OR d.refunds <> 0 OR d.refund_unknown <> 0 OR d.fees <> 0 OR d.surcharge <> 0
  ORDER BY d.ist_day, d.provider, d.status, d.status_family, d.payment_mode, d.currency, d.contradicted, d.slot
  ON CONFLICT (ist_day, provider, status, status_family, payment_mode, currency, contradicted, slot) DO UPDATE
    SET payments = f.payments + excluded.payments,
        gross = f.gross + excluded.gross,
        refunds = f.refunds + excluded.refunds,
        refund_unknown = f.refund_unknown + excluded.refund_unknown,
        fees = f.fees + excluded.fees,
        surcharge = f.surcharge + excluded.surcharge;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER transactions_finance_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payops_finance_rollup_insert();
--> statement-breakpoint
CREATE TRIGGER transactions_finance_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payops_finance_rollup_update();
--> statement-breakpoint
CREATE TRIGGER transactions_finance_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payops_finance_rollup_delete();
--> statement-breakpoint
-- The payments already recorded.
INSERT INTO finance_daily SELECT * FROM finance_daily_expected;
