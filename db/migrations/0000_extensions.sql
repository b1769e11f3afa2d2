-- Trigram search on cardholder names (transactions_cardholder_name_trgm_idx).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
